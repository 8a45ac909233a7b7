/** A JSON Schema object (draft 2020-12 or 07). Kept open: providers accept different subsets. */
export interface JSONSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JSONSchema>;
  required?: string[];
  items?: JSONSchema | JSONSchema[];
  enum?: unknown[];
  additionalProperties?: boolean | JSONSchema;
  [keyword: string]: unknown;
}

/** The JSON Schema of a tool's arguments: always an object schema. */
export interface ObjectJSONSchema extends JSONSchema {
  type: "object";
  properties: Record<string, JSONSchema>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
