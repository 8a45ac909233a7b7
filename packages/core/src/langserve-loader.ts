import { ConfigurationError, type ActionSource, type LangServeChainConfig } from "@copilot-runtime/protocol";

export const LANGSERVE_PACKAGE = "@copilot-runtime/langserve";

interface LangServeModule {
  langServeActionSource(chains: readonly LangServeChainConfig[]): ActionSource;
}

/**
 * Loads the LangServe bridge on first use. It is a separate package, so that
 * core stays free of it; the app installs it next to core.
 */
export async function loadLangServe(chains: readonly LangServeChainConfig[], specifier: string = LANGSERVE_PACKAGE): Promise<ActionSource> {
  let module: Partial<LangServeModule>;
  try {
    module = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as Partial<LangServeModule>;
  } catch (cause) {
    throw new ConfigurationError(`The \`langserve\` option needs the ${LANGSERVE_PACKAGE} package: npm i ${LANGSERVE_PACKAGE}`, { cause });
  }
  if (typeof module.langServeActionSource !== "function") {
    throw new ConfigurationError(`${specifier} does not export langServeActionSource; install a matching version of ${LANGSERVE_PACKAGE}.`);
  }
  return module.langServeActionSource(chains);
}
