import { existsSync } from "node:fs";
import { createDemoServer, ENDPOINT, serviceAdapterFromEnv, WEB_ROOT } from "./server.js";

const port = Number(process.env.PORT ?? 3000);
const { adapter, description } = serviceAdapterFromEnv();
const server = createDemoServer(adapter);

server.on("error", (error: NodeJS.ErrnoException) => {
  console.error(error.code === "EADDRINUSE" ? `Port ${port} is in use; set PORT to another port.` : error.message);
  process.exit(1);
});
server.listen(port, () => {
  console.log(`Copilot Runtime demo listening on http://localhost:${port}`);
  console.log(`  page:    http://localhost:${port}/${existsSync(WEB_ROOT) ? "" : "  (not built: run pnpm demo)"}`);
  console.log(`  runtime: http://localhost:${port}${ENDPOINT}  (GET ${ENDPOINT}/info, POST ${ENDPOINT}/agent/default/run)`);
  console.log(`  model:   ${description}`);
});

const shutdown = () => server.close(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
