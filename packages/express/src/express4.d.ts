// Express 4, installed for tests under the alias "express4", typed like Express.
declare module "express4" {
  import express from "express";
  export default express;
}
