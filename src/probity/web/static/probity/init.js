// Starts GOV.UK Frontend's components. A file, not an inline script, so the
// Content-Security-Policy can forbid inline code.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
