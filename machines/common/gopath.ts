// Go's path package, where components and the HTTP front end must read a path as kube-apiserver does.

/** path.Clean of a rooted path: empty and "." segments dropped, ".." removing the one before (never past the root). */
export function goCleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}
