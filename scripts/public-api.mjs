#!/usr/bin/env node
// A checked snapshot of every published package's public surface: what each
// entry point exports, with signatures, in `packages/<name>/public-api.txt`.
// A change to a public surface then shows in review as a change to that file.
//
//   node scripts/public-api.mjs          write the snapshots
//   node scripts/public-api.mjs --check  fail when a snapshot is out of date
//   node scripts/public-api.mjs <folder>  only packages/<folder> (pnpm new:adapter writes a new package's snapshot so)
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType | ts.TypeFormatFlags.WriteArrowStyleSignature;

/** `./dist/index.d.ts` → `src/index.ts` for each entry point in `exports`. */
function entryPoints(dir, manifest) {
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const types = typeof target === "object" ? (target.import?.types ?? target.types) : undefined;
    if (typeof types !== "string") continue;
    const source = join(dir, types.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$/, ".ts"));
    if (existsSync(source)) entries.push({ subpath, source });
  }
  return entries;
}

function kindOf(symbol) {
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Class) return "class";
  if (flags & ts.SymbolFlags.Function) return "function";
  if (flags & ts.SymbolFlags.Enum) return "enum";
  if (flags & ts.SymbolFlags.Interface) return "interface";
  if (flags & ts.SymbolFlags.TypeAlias) return "type";
  if (flags & ts.SymbolFlags.Variable) return "const";
  return "export";
}

function isExternal(symbol) {
  return (symbol.declarations ?? []).every((declaration) => declaration.getSourceFile().fileName.includes("/node_modules/"));
}

function modifiersOf(declaration) {
  return ts.canHaveModifiers(declaration) ? (ts.getModifiers(declaration) ?? []).map((modifier) => modifier.kind) : [];
}

/** The members of a class or interface, one line each. */
function members(checker, symbol, type) {
  const lines = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (declaration === undefined) continue;
    const modifiers = modifiersOf(declaration);
    if (modifiers.includes(ts.SyntaxKind.PrivateKeyword) || modifiers.includes(ts.SyntaxKind.ProtectedKeyword)) continue;
    if (property.name.startsWith("#")) continue;
    const optional = property.flags & ts.SymbolFlags.Optional ? "?" : "";
    const readonly = modifiers.includes(ts.SyntaxKind.ReadonlyKeyword) ? "readonly " : "";
    const memberType = checker.getTypeOfSymbolAtLocation(property, declaration);
    lines.push(`  ${readonly}${property.name}${optional}: ${checker.typeToString(memberType, declaration, FORMAT)}`);
  }
  return lines;
}

/** `<A, B extends C = D>` as declared, or "". */
function typeParameters(symbol) {
  const params = symbol.declarations?.[0]?.typeParameters;
  return params?.length ? `<${params.map((param) => param.getText()).join(", ")}>` : "";
}

function describe(checker, exported) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const name = exported.name;
  if (isExternal(symbol)) {
    const from = symbol.declarations?.[0]?.getSourceFile().fileName.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? "a dependency";
    return [`${kindOf(symbol)} ${name} (from ${from})`];
  }
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  const kind = kindOf(symbol);
  switch (kind) {
    case "function": {
      const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
      return type.getCallSignatures().map((signature) => `function ${name}${checker.signatureToString(signature, declaration, FORMAT)}`);
    }
    case "class": {
      const generics = typeParameters(symbol);
      const staticType = checker.getTypeOfSymbolAtLocation(symbol, declaration);
      const constructors = staticType
        .getConstructSignatures()
        .map((signature) => `  constructor${checker.signatureToString(signature, declaration, FORMAT).replace(/ => .*$/, "")}`);
      return [`class ${name}${generics} {`, ...constructors, ...members(checker, symbol, checker.getDeclaredTypeOfSymbol(symbol)), "}"];
    }
    case "interface":
      return [`interface ${name}${typeParameters(symbol)} {`, ...members(checker, symbol, checker.getDeclaredTypeOfSymbol(symbol)), "}"];
    case "type": {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const params = typeParameters(symbol);
      const text = declaration?.type
        ? declaration.type.getText()
        : checker.typeToString(type, declaration, FORMAT | ts.TypeFormatFlags.InTypeAlias);
      return [`type ${name}${params} = ${text.replace(/\s+/g, " ")}`];
    }
    case "const":
      return [`const ${name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, declaration), declaration, FORMAT)}`];
    case "enum":
      return [`enum ${name}`];
    default:
      return [`${kind} ${name}`];
  }
}

/** Type text without machine-specific paths: `import("/abs/node_modules/.pnpm/…/node_modules/pkg/x")` → `import("pkg/x")`. */
function portable(text) {
  return text.replace(/import\("([^"]+)"\)/g, (_match, path) => {
    const inModules = path.lastIndexOf("/node_modules/");
    const stable = inModules >= 0 ? path.slice(inModules + "/node_modules/".length) : relative(root, path);
    return `import("${stable}")`;
  });
}

function report(program, entries, manifest) {
  const checker = program.getTypeChecker();
  const out = [`# ${manifest.name}: public API (generated by scripts/public-api.mjs; do not edit)`];
  for (const entry of entries) {
    const file = program.getSourceFile(entry.source);
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    out.push("", `## ${entry.subpath === "." ? manifest.name : `${manifest.name}/${entry.subpath.slice(2)}`}`, "");
    if (!moduleSymbol) continue;
    const exported = checker.getExportsOfModule(moduleSymbol).toSorted((a, b) => a.name.localeCompare(b.name));
    for (const symbol of exported) out.push(...describe(checker, symbol).map(portable));
  }
  return `${out.join("\n")}\n`;
}

const packages = [];
for (const name of readdirSync(join(root, "packages")).sort()) {
  if (only.length > 0 && !only.includes(name)) continue;
  const dir = join(root, "packages", name);
  const manifestPath = join(dir, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (!manifest.private) packages.push({ dir, manifest, entries: entryPoints(dir, manifest) });
}
// One program for every entry point: the packages share most of their types.
const options = { ...ts.getDefaultCompilerOptions(), strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext };
Object.assign(options, { moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, noEmit: true, types: ["node"] });
const program = ts.createProgram(
  packages.flatMap(({ entries }) => entries.map((entry) => entry.source)),
  options,
);

let stale = 0;
for (const { dir, manifest, entries } of packages) {
  const target = join(dir, "public-api.txt");
  const text = report(program, entries, manifest);
  const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
  if (current === text) continue;
  if (check) {
    stale++;
    console.error(`${relative(root, target)} is out of date: run \`pnpm api:update\` and review the change.`);
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${relative(root, target)}`);
  }
}
if (stale > 0) process.exit(1);
if (check) console.log("public API snapshots are up to date");
