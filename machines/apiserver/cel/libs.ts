import "./functions.js";
import "./format.js";
