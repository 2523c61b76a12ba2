// Validates an AsyncAPI document with the stock parser; prints diagnostics, exits 1 on errors.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"));
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of diagnostics) {
  console.log(`${["error", "warning", "info", "hint"][d.severity]} ${d.code}: ${d.message} at ${d.path.join(".")}`);
}
if (!document || errors.length) {
  console.log(`asyncapi: INVALID (${errors.length} errors)`);
  process.exit(1);
}
console.log(`asyncapi: valid, ${document.channels().length} channels, ${document.allMessages().length} messages`);
