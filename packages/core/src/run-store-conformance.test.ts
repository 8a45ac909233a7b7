import { describeRunStoreConformance } from "@copilot-runtime/testing/conformance";
import { MemoryRunStore } from "./run-store.js";

describeRunStoreConformance({ name: "MemoryRunStore", create: () => new MemoryRunStore() });
