// The misconfiguration checks every framework binding passes: a binding built
// with a missing or wrong option is refused at once with a ConfigurationError
// (code `configuration_error`), not a TypeError from deep inside the first request.
import { describe, expect, it } from "vitest";
import { ConfigurationError, type ServiceAdapter } from "@copilot-runtime/protocol";
import { ScriptedAdapter } from "./scripted-adapter.js";

export interface BindingConfigurationOptions {
  /** The binding's name, as its error messages say it, e.g. "copilotRuntimeExpressEndpoint". */
  name: string;
  /** Builds the binding from options (called with wrong ones on purpose); several when one package has several builders. */
  build: ((options: unknown) => unknown) | ((options: unknown) => unknown)[];
  /** `() => new CopilotRuntime()` from `@copilot-runtime/core` (injected, so this package does not depend on core). */
  createRuntime: () => unknown;
  /** Whether the binding needs an `endpoint`; otherwise it only needs one to be a path when given. Default true. */
  endpointRequired?: boolean;
}

function expectConfigurationError(build: () => unknown, message: string | RegExp): void {
  let thrown: unknown;
  try {
    build();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigurationError);
  expect((thrown as ConfigurationError).code).toBe("configuration_error");
  if (typeof message === "string") expect((thrown as Error).message).toBe(message);
  else expect((thrown as Error).message).toMatch(message);
}

/** Registers the misconfiguration checks for one binding (call it at the top level of a test file). */
export function describeBindingConfiguration(options: BindingConfigurationOptions): void {
  const { name } = options;
  const builders = Array.isArray(options.build) ? options.build : [options.build];
  const serviceAdapter: ServiceAdapter = new ScriptedAdapter({ respond: () => ({ text: "Hello!" }) });
  const endpoint = "/api/copilotkit";

  describe(`${name} misconfiguration`, () => {
    it.each(builders.map((build, index) => [index, build] as const))("needs a runtime (builder %i)", (_index, build) => {
      const message = `${name} needs a \`runtime\`: a CopilotRuntime instance.`;
      expectConfigurationError(() => build({ serviceAdapter, endpoint }), message);
      expectConfigurationError(() => build(undefined), message);
      expectConfigurationError(() => build({ runtime: {}, serviceAdapter, endpoint }), message);
    });

    it.each(builders.map((build, index) => [index, build] as const))("needs an endpoint path (builder %i)", (_index, build) => {
      const runtime = options.createRuntime();
      if (options.endpointRequired === false) {
        expectConfigurationError(
          () => build({ runtime, serviceAdapter, endpoint: 42 }),
          `${name}: \`endpoint\` must be a path, e.g. "${endpoint}".`,
        );
        expect(build({ runtime, serviceAdapter })).toBeTypeOf("function");
      } else {
        expectConfigurationError(() => build({ runtime, serviceAdapter }), `${name} needs an \`endpoint\`, e.g. "${endpoint}".`);
      }
    });

    it.each(builders.map((build, index) => [index, build] as const))("needs a service adapter (builder %i)", (_index, build) => {
      expectConfigurationError(() => build({ runtime: options.createRuntime(), endpoint }), /serviceAdapter/);
    });

    it.each(builders.map((build, index) => [index, build] as const))(
      "accepts a runtime, an adapter and an endpoint (builder %i)",
      (_index, build) => {
        expect(build({ runtime: options.createRuntime(), serviceAdapter, endpoint })).toBeTruthy();
      },
    );
  });
}
