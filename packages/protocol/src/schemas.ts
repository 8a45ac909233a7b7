// The zod validators of AG-UI 1.0 (`@ag-ui/core/schemas`). A separate entry
// point so that importing the types never loads zod.
export * from "@ag-ui/core/schemas";
