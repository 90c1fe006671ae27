// Express 4, installed under an npm alias so the tests run against Express 4 and 5 side by side.
declare module 'express4' {
  import express from 'express';
  export default express;
}
