// Compiles probity.scss and copies GOV.UK Frontend's script and assets into Django's static
// folder. Run by scripts/install; nothing here is fetched at run time.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "src", "probity", "web", "static", "govuk");
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

mkdirSync(target, { recursive: true });
const css = sass.compile(join(here, "probity.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(target, "probity.css"), css.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(target, "govuk-frontend.min.js"));
cpSync(join(govuk, "assets"), join(target, "assets"), { recursive: true });
console.log(`GOV.UK Frontend built into ${target}`);
