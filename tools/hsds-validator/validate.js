// Validates a tabular data package the way Open Referral's hsds-validator does on /validate/datapackage
// (openreferral/hsds-validator, src/lib/datapackage.js): load the package with datapackage-js, read every
// resource with tableschema-js, casting each row against its Table Schema (forceCast, so that every bad row is
// reported) and, with --relations, checking foreign keys. The validator itself is not published on npm; this
// script drives the same two libraries at the versions it depends on.
//
// Usage: node validate.js path/to/datapackage.json [--relations]
// Prints one JSON result per resource ({resource, valid, errors: [{row, col, message}]}); exit 1 if any is invalid.

const fs = require("fs");
const path = require("path");
const { Package } = require("datapackage");
const { errors: tableschemaErrors } = require("tableschema");

const HEADER_MISMATCH = "The column header names do not match the field names in the schema";

function describe(error) {
  const nested = error.errors && error.errors.length ? error.errors : [error];
  return nested.map((e) => ({ row: e.rowNumber, col: e.columnNumber, message: e.message }));
}

async function checkResource(resource, relations) {
  const result = { resource: resource.name, valid: true, errors: [] };
  if (!resource.remote && !fs.existsSync(resource.source)) {
    result.errors.push({ message: `Resource '${resource.source}' is not available` });
  } else {
    try {
      const rows = await resource.iter({ relations, forceCast: true });
      for (;;) {
        let step;
        try {
          step = await rows.next();
        } catch (error) {
          result.errors.push(...describe(error));
          continue;
        }
        if (step.done) break;
        if (step.value instanceof tableschemaErrors.TableSchemaError) {
          result.errors.push(...describe(step.value));
          if (step.value.message === HEADER_MISMATCH) break;
        }
      }
    } catch (error) {
      result.errors.push(...describe(error));
    }
  }
  result.valid = result.errors.length === 0;
  return result;
}

async function main() {
  const descriptor = process.argv[2];
  const relations = process.argv.includes("--relations");
  if (!descriptor) {
    console.error("usage: node validate.js datapackage.json [--relations]");
    process.exit(2);
  }
  const pkg = await Package.load(path.resolve(descriptor));
  if (!pkg.valid) {
    console.log(JSON.stringify({ resource: null, valid: false, errors: pkg.errors.map((e) => ({ message: e.message })) }));
    process.exit(1);
  }
  let ok = true;
  for (const resource of pkg.resources) {
    const result = await checkResource(resource, relations);
    ok = ok && result.valid;
    console.log(JSON.stringify(result));
  }
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(2);
});
