// AG-UI 1.0: the event and input types, the EventType enum and the helpers of
// `@ag-ui/core`, re-exported so that adapters and hosts need only this package.
export * from "@ag-ui/core";
