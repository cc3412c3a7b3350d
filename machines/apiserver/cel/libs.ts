// The libraries Kubernetes' base environment turns on, registered by import.
import "./functions.js";
import "./format.js";
import "./authz.js";
import "./quantity.js";
