import "./functions.js";
