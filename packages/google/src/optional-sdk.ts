import { ConfigurationError } from "@copilot-runtime/protocol";

/**
 * Loads an SDK that is an optional peer dependency. Without it installed, the
 * app is set up wrong: a `ConfigurationError` says what to install.
 */
export async function importOptionalSdk<Module>(name: string, adapter: string, load: () => Promise<Module>): Promise<Module> {
  try {
    return await load();
  } catch (cause) {
    throw new ConfigurationError(`${adapter} needs the ${name} package: npm i ${name}`, { cause });
  }
}
