// The libraries Kubernetes' base environment turns on, registered by import.
import "./functions.js";
import "./format.js";
import "./authz.js";
import "./quantity.js";
import "./url.js";
import "./net.js";
import "./semver.js";
import "./namedformat.js";
