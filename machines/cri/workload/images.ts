// What each image's programs do: servers register listeners and block, databases check
// their required env first, e2e images follow agnhost's documented subcommands.
import { joinHostPort } from "../../common/ip.js";
import { nodeKernelRelease } from "../../common/kernel.js";
import { createHash } from "node:crypto";
import type { ImageInfo } from "../registry.js";
import { cell, MemFS, type FsTree } from "./memfs.js";
import { perform, runArgv, runScript, setOption, type Gen, type ProgramLookup, type ShellState, type Streams } from "./shell.js";
import { copyNames, copyVars } from "./vars.js";
import type { Effect, EffectResult, HttpResult } from "./types.js";
import { curl, nslookup, parseUrl, strftime, utilitiesFor } from "./commands.js";
import { ExitSignal, type Listener, type ListenerRequest } from "./types.js";
import { hpaExampleRequestNanos } from "../usage.js";
import { nodetool, readyProbe, runCassandra } from "./cassandra.js";
import { baseFiles } from "./distros.js";
import { compilePython, runPython } from "./python.js";
import { redisCli, redisServer } from "./redis.js";

/** What programs need besides the shell: the image, the listener table, the start time, declared ports. */
export interface ProgramContext {
  image: ImageInfo;
  listeners: Map<number, Listener>;
  startedAt: number;
  ports: number[];
  /** the container's stdin is held open (spec.stdin, with or without a tty): a shell waits there for its user */
  terminal?: boolean;
  /** for an exec'd process: whether a process of the pod (one network namespace) listens on the port */
  bound?: (port: number) => boolean;
  /** an exec'd process (kubectl exec, an exec probe), not the container's own */
  exec?: true;
  /** an exec'd process's stdout is a terminal (kubectl exec -it): redis-cli formats its replies for a person */
  tty?: true;
}

const nginxIndex = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const nginxHtml = "/usr/share/nginx/html";
const httpdHtml = "/usr/local/apache2/htdocs";

// nginx's docs/html/50x.html, which nginx.org's packages install beside index.html
const nginx50x = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`;

// nginx.org's Debian package's nginx.conf (pkg-oss debian/debian/nginx.conf: the pid in /run)
const nginxConf = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

/** The package's conf.d/default.conf (pkg-oss debian/debian/nginx.default.conf). */
const nginxDefaultConf = `server {
    listen       80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }

    # proxy the PHP scripts to Apache listening on 127.0.0.1:80
    #
    #location ~ \\.php$ {
    #    proxy_pass   http://127.0.0.1;
    #}

    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000
    #
    #location ~ \\.php$ {
    #    root           html;
    #    fastcgi_pass   127.0.0.1:9000;
    #    fastcgi_index  index.php;
    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;
    #    include        fastcgi_params;
    #}

    # deny access to .htaccess files, if Apache's document root
    # concurs with nginx's one
    #
    #location ~ /\\.ht {
    #    deny  all;
    #}
}

`;

// what the entrypoint's sed makes of it: one string every container shares
const nginxDefaultConfIpv6 = nginxDefaultConf.replace("listen       80;", "listen       80;\n    listen  [::]:80;");

/** The account the nginx image's Dockerfile adds (groupadd --system --gid 101, useradd --system --uid 101). */
// test/images/agnhost/Dockerfile, for the SupplementalGroupsPolicy e2e tests: `adduser -u 1000 -D
// user-defined-in-image && addgroup -g 50000 group-defined-in-image && addgroup
// user-defined-in-image group-defined-in-image` (busybox's adduser makes the user's own group)
const agnhostUser = {
  passwd: "user-defined-in-image:x:1000:1000:Linux User,,,:/home/user-defined-in-image:/bin/sh\n",
  group: "user-defined-in-image:x:1000:\ngroup-defined-in-image:x:50000:user-defined-in-image\n",
};
const nginxUser = { passwd: "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n", group: "nginx:x:101:\n" };

// What the links hold: the one binary, of which the tree (files as text) keeps the ELF magic only.
const busyboxBinary = "\u007fELF";

// The trees images ship, by kind and base: values, so every container of an image starts from the
// same one and keeps only what it changes (the files are never copied per container).
const rootfsTrees = new Map<string, FsTree>();

/** A container's root filesystem as the image ships it; the CRI mounts volumes on top afterwards. */
export function createRootfs(image: ImageInfo): MemFS {
  const key = `${image.kind}/${image.base ?? ""}`;
  let tree = rootfsTrees.get(key);
  if (tree === undefined) {
    tree = withExecutables(buildRootfs(image)).tree;
    rootfsTrees.set(key, tree);
  }
  return new MemFS(cell(tree));
}

/** The directories whose files an image ships executable (-rwxr-xr-x): its programs. */
const programDirs = ["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

/** The image's programs made executable, as its layers hold them. */
function withExecutables(fs: MemFS): MemFS {
  for (const dir of programDirs) {
    const names = fs.list(dir);
    if (!Array.isArray(names)) continue;
    for (const n of names) if (fs.isFile(`${dir}/${n}`)) fs.chmod(`${dir}/${n}`, 0o755);
  }
  return fs;
}

function buildRootfs(image: ImageInfo): MemFS {
  if (image.kind === "artifact") {
    // an OCI artifact's files alone: no base, no usual directories
    const fs = new MemFS();
    fs.mkdir("/dir");
    fs.write("/dir/file", "1\n");
    fs.write("/file", "2\n");
    return fs;
  }
  const fs = MemFS.rootfs();
  if (image.base) {
    for (const [path, content] of Object.entries(baseFiles(image.base, image.kind === "nginx" ? nginxUser : image.kind === "agnhost" ? agnhostUser : undefined))) {
      fs.mkdir(path.slice(0, path.lastIndexOf("/")), true);
      fs.write(path, content);
    }
  }
  // docker-library/busybox's Dockerfile runs `busybox --install /bin`: every applet a hard link to
  // the one binary, all in /bin (those podflow runs, and the shell's names)
  if (image.kind === "shell" && image.base === "busybox") {
    for (const name of ["busybox", "sh", "ash", ...Object.keys(utilitiesFor("busybox"))]) fs.write(`/bin/${name}`, busyboxBinary);
  }
  if (image.kind === "nginx") {
    fs.mkdir(nginxHtml, true);
    fs.write(`${nginxHtml}/index.html`, nginxIndex);
    fs.write(`${nginxHtml}/50x.html`, nginx50x);
    fs.mkdir("/etc/nginx/conf.d", true);
    // the Debian package's configuration; the alpine and e2e images (not modelled file by file) get the same
    fs.write("/etc/nginx/nginx.conf", nginxConf);
    fs.write("/etc/nginx/conf.d/default.conf", nginxDefaultConf);
  }
  if (image.kind === "bootcamp") fs.write("/server.js", bootcampServerJs);
  // kubernetes-zookeeper's Dockerfile: `useradd zookeeper` (uid 1000) owns the distribution and
  // the data and log directories (chown -R), which start-zookeeper writes as that user
  if (image.kind === "zookeeper") {
    for (const dir of ["/opt/zookeeper/conf", "/var/lib/zookeeper", "/var/log/zookeeper"]) {
      fs.mkdir(dir, true);
      fs.chown(dir, 1000, 1000);
    }
    fs.chown("/opt/zookeeper", 1000, 1000);
  }
  if (image.kind === "httpd") {
    fs.mkdir(httpdHtml, true);
    fs.write(`${httpdHtml}/index.html`, "<html><body><h1>It works!</h1></body></html>\n");
  }
  return fs;
}

const isShell = (name: string) => ["sh", "ash", "dash", "bash"].includes(name);
const baseName = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/** Blocks until the container is killed (SIGTERM/SIGKILL end the process from outside). */
function* serve(sh: ShellState): Gen {
  yield* perform(sh, { type: "wait" });
  return 0;
}

/** nginx's own error page (ngx_http_special_response.c): the status line as title and heading, and its version (server_tokens on). */
function nginxErrorPage(status: string, version: string): string {
  return `<html>\r\n<head><title>${status}</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * A static file server over the container's filesystem, as nginx and httpd answer. nginx (given
 * its version) answers a directory with no index file 403 (autoindex is off), and its error pages
 * carry its version; the others answer 404 with no signature.
 */
function fileServer(sh: ShellState, root: string, log?: (req: Extract<ListenerRequest, { kind: "http" }>, status: number, bytes: number) => void, nginxVersion?: string): Listener {
  return (req) => {
    if (req.kind !== "http") return req.kind === "tcp";
    let path = req.path.split("?")[0]!;
    const dir = path.endsWith("/");
    if (dir) path += "index.html";
    const method = req.method ?? "GET";
    const body = sh.io.fs.read(`${root}${path}`);
    // nginx's static handler takes GET, HEAD and POST, and refuses a POST to a file it found (ngx_http_static_handler)
    const refused = nginxVersion !== undefined && (!["GET", "HEAD", "POST"].includes(method) || (method === "POST" && typeof body === "string"));
    const status = refused ? 405 : typeof body === "string" ? 200 : nginxVersion !== undefined && dir && sh.io.fs.isDir(`${root}${path.slice(0, -"index.html".length)}`) ? 403 : 404;
    const page = status === 405 ? "405 Not Allowed" : status === 403 ? "403 Forbidden" : "404 Not Found";
    const res = status === 200 && typeof body === "string" ? { status, body } : { status, body: nginxVersion !== undefined ? nginxErrorPage(page, nginxVersion) : `<html>\r\n<head><title>${page}</title></head>\r\n<body>\r\n<center><h1>${page}</h1></center>\r\n</body>\r\n</html>\r\n` };
    log?.(req, res.status, res.body.length);
    return res;
  };
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function* nginx(sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const t = () => strftime("%Y/%m/%d %H:%M:%S", sh.io.now());
  st.err(`${t()} [notice] 1#1: using the "epoll" event method\n`);
  st.err(`${t()} [notice] 1#1: nginx/${ctx.image.version ?? "1.29.3"}\n`);
  st.err(`${t()} [notice] 1#1: built by gcc 14.2.0 (Debian 14.2.0-19) \n`);
  // ngx_os_status: uname(2)'s sysname and release, the node's kernel
  st.err(`${t()} [notice] 1#1: OS: Linux ${nodeKernelRelease}\n`);
  st.err(`${t()} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576\n`);
  st.err(`${t()} [notice] 1#1: start worker processes\n`);
  st.err(`${t()} [notice] 1#1: start worker process 29\n`);
  ctx.listeners.set(80, fileServer(sh, nginxHtml, (req, status, bytes) => {
    const stamp = strftime("%d/%b/%Y:%H:%M:%S +0000", req.now).replace(/\/(\d\d)\//, (_, m: string) => `/${months[Number(m) - 1]}/`);
    sh.io.stdout(`${req.remoteAddr ?? "10.244.0.1"} - - [${stamp}] "${req.method ?? "GET"} ${req.path} HTTP/1.1" ${status} ${bytes} "-" "${req.userAgent ?? "kube-probe/1.35"}" "-"`);
  }, ctx.image.version ?? "1.29.3"));
  return yield* serve(sh);
}

/** The options that take a value, and what ngx_get_options says is missing without one. */
const nginxOptionValues: Record<string, string> = { p: "directory name", e: "file name", c: "file name", g: "parameter", s: "parameter" };

/**
 * The nginx binary's command line (nginx.c ngx_get_options, then main): -v/-V print the version
 * and exit, -t/-T test the configuration and exit, -s signals the master, -h prints the usage;
 * anything else starts a master, which cannot bind a port the running one holds.
 */
function* nginxCommand(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const o = { help: false, version: false, configure: false, test: false, dump: false, quiet: false, signal: undefined as string | undefined, conf: "/etc/nginx/nginx.conf" };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-")) {
      st.err(`nginx: invalid option: "${a}"\n`);
      return 1;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (c === "?" || c === "h") o.version = o.help = true;
      else if (c === "v") o.version = true;
      else if (c === "V") o.version = o.configure = true;
      else if (c === "t") o.test = true;
      else if (c === "T") o.test = o.dump = true;
      else if (c === "q") o.quiet = true;
      else if (Object.hasOwn(nginxOptionValues, c)) {
        // the option's value is the rest of this argument, or the next one
        const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (value === undefined) {
          st.err(`nginx: option "-${c}" requires ${nginxOptionValues[c]}\n`);
          return 1;
        }
        if (c === "s") {
          if (!Object.hasOwn(nginxSignals, value)) {
            st.err(`nginx: invalid option: "-s ${value}"\n`);
            return 1;
          }
          o.signal = value;
        }
        if (c === "c") o.conf = value.startsWith("/") ? value : `/etc/nginx/${value}`;
        break;
      } else {
        st.err(`nginx: invalid option: "${c}"\n`);
        return 1;
      }
    }
  }
  if (o.version) {
    st.err(`nginx version: nginx/${ctx.image.version ?? "1.29.3"}\n`);
    if (o.help) st.err(nginxUsage);
    if (o.configure) st.err("built by gcc 14.2.0 (Debian 14.2.0-19) \n");
    if (!o.test) return 0;
  }
  if (typeof sh.io.fs.read(o.conf) !== "string") {
    st.err(`nginx: [emerg] open() "${o.conf}" failed (2: No such file or directory)\n`);
    if (o.test) st.err(`nginx: configuration file ${o.conf} test failed\n`);
    return 1;
  }
  if (o.test) {
    // ngx_init_cycle says the syntax is ok, main that the test succeeded; -q silences both
    if (!o.quiet) st.err(`nginx: the configuration file ${o.conf} syntax is ok\nnginx: configuration file ${o.conf} test is successful\n`);
    if (o.dump) nginxDump(sh, st, o.conf);
    return 0;
  }
  if (o.signal !== undefined) return yield* nginxSignal(["nginx", "-s", o.signal], sh, st);
  if (ctx.listeners.has(80) || ctx.bound?.(80) === true) return yield* nginxBindFails(sh, st);
  return yield* nginx(sh, st, ctx);
}

/**
 * What -T writes to stdout after the test: each configuration file it read, as
 * "# configuration file PATH:", the file, one more line feed; here the main file and the conf.d
 * files the image has (its mime.types is not modelled).
 */
function nginxDump(sh: ShellState, st: Streams, conf: string): void {
  const listed = sh.io.fs.list("/etc/nginx/conf.d");
  const confd = Array.isArray(listed) ? listed.filter((f) => f.endsWith(".conf")).sort().map((f) => `/etc/nginx/conf.d/${f}`) : [];
  for (const path of [conf, ...confd]) {
    const text = sh.io.fs.read(path);
    if (typeof text === "string") st.out(`# configuration file ${path}:\n${text}\n`);
  }
}

const nginxUsage = `Usage: nginx [-?hvVtTq] [-s signal] [-p prefix]
             [-e filename] [-c filename] [-g directives]

Options:
  -?,-h         : this help
  -v            : show version and exit
  -V            : show version and configure options then exit
  -t            : test configuration and exit
  -T            : test configuration, dump it and exit
  -q            : suppress non-error messages during configuration testing
  -s signal     : send signal to a master process: stop, quit, reopen, reload
  -p prefix     : set prefix path (default: /etc/nginx/)
  -e filename   : set error log file (default: /var/log/nginx/error.log)
  -c filename   : set configuration file (default: /etc/nginx/nginx.conf)
  -g directives : set global directives out of configuration file

`;

/**
 * A second master while one runs (ngx_open_listening_sockets): each listen address refuses with
 * EADDRINUSE, five tries half a second apart, then it gives up. The error log is the container's
 * stderr, and nginx also writes each line to its own stderr.
 */
function* nginxBindFails(sh: ShellState, st: Streams): Gen {
  const both = (msg: string) => {
    st.err(`${strftime("%Y/%m/%d %H:%M:%S", sh.io.now())} [emerg] 30#30: ${msg}\n`);
    st.err(`nginx: [emerg] ${msg}\n`);
  };
  for (let tries = 5; tries > 0; tries--) {
    for (const addr of ["0.0.0.0:80", "[::]:80"]) both(`bind() to ${addr} failed (98: Address already in use)`);
    yield* perform(sh, { type: "sleep", ms: 500 });
  }
  both("still could not bind()");
  return 1;
}

/** What `nginx -s` sends the master (ngx_signal_process): stop TERM, quit QUIT, reopen USR1, reload HUP. */
const nginxSignals: Record<string, number> = { stop: 15, quit: 3, reopen: 10, reload: 1 };

/** The pid file of nginx.org's packages (the master's pid, which `nginx -s` reads). */
const nginxPidFile = "/run/nginx.pid";

/**
 * `nginx -s stop|quit|reopen|reload`: sends the signal to the master process and returns at once;
 * the master then exits (quit: once its connections are done, at once when idle) or reloads on its
 * own. Without a running master the pid file is missing and the command fails.
 */
function* nginxSignal(argv: string[], sh: ShellState, st: Streams): Gen {
  const signal = argv[argv.indexOf("-s") + 1];
  if (signal === undefined) {
    st.err(`nginx: option "-s" requires parameter\n`);
    return 1;
  }
  if (!Object.hasOwn(nginxSignals, signal)) {
    st.err(`nginx: invalid option: "-s ${signal}"\n`);
    return 1;
  }
  const t = strftime("%Y/%m/%d %H:%M:%S", sh.io.now());
  st.err(`${t} [notice] 30#30: signal process started\n`);
  const r = yield* perform(sh, { type: "signal", name: "nginx", signal: nginxSignals[signal]! });
  if (r?.type === "signal" && r.matched) return 0;
  st.err(`${t} [error] 30#30: open() "${nginxPidFile}" failed (2: No such file or directory)\n`);
  return 1;
}

function* httpd(sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const t = strftime("%a %b %d %H:%M:%S.000000 %Y", sh.io.now());
  const ip = sh.vars.get("POD_IP") ?? "10.244.0.5";
  st.err(`AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message\n`);
  st.err(`[${t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/${ctx.image.version ?? "2.4.65"} (Unix) configured -- resuming normal operations\n`);
  st.err(`[${t}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'\n`);
  ctx.listeners.set(80, fileServer(sh, httpdHtml));
  return yield* serve(sh);
}

/** A plain TCP server: connections succeed, HTTP and gRPC health checks do not. */
const tcpOnly: Listener = (req) => req.kind === "tcp";

function flagValue(argv: string[], names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    for (const n of names) {
      if (argv[i] === n) return argv[i + 1];
      if (argv[i]!.startsWith(`${n}=`)) return argv[i]!.slice(n.length + 1);
    }
  }
  return undefined;
}

const postgresNoPassword = `Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about "trust":
       https://www.postgresql.org/docs/current/auth-trust.html
`;

function* postgres(sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  if (!sh.vars.get("POSTGRES_PASSWORD") && sh.vars.get("POSTGRES_HOST_AUTH_METHOD") !== "trust") {
    st.err(postgresNoPassword);
    return 1;
  }
  const t = () => strftime("%Y-%m-%d %H:%M:%S.000 UTC", sh.io.now());
  st.out("The files belonging to this database system will be owned by user \"postgres\".\n");
  yield* perform(sh, { type: "sleep", ms: 2000 }); // initdb and the temporary server take a couple of seconds
  st.out("\nPostgreSQL init process complete; ready for start up.\n\n");
  st.err(`${t()} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432\n`);
  st.err(`${t()} [1] LOG:  database system is ready to accept connections\n`);
  ctx.listeners.set(5432, tcpOnly);
  return yield* serve(sh);
}

function* mysql(sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const t = () => strftime("%Y-%m-%d %H:%M:%S+00:00", sh.io.now());
  const v = ctx.image.version ?? "9.5.0";
  st.out(`${t()} [Note] [Entrypoint]: Entrypoint script for MySQL Server ${v}-1.el9 started.\n`);
  if (!["MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"].some((k) => sh.vars.has(k))) {
    st.err(`${t()} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n`);
    return 1;
  }
  st.out(`${t()} [Note] [Entrypoint]: Initializing database files\n`);
  yield* perform(sh, { type: "sleep", ms: 5000 }); // first start initialises the data directory
  st.out(`${t()} [Note] [Entrypoint]: MySQL init process done. Ready for start up.\n`);
  st.err(`${t()} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '${v}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.\n`);
  ctx.listeners.set(3306, tcpOnly);
  return yield* serve(sh);
}

/** A tiny HTTP server answering every path with the same handler. */
function httpServer(handler: (path: string, now: number, req: Extract<ListenerRequest, { kind: "http" }>) => { status: number; body?: string; cpuNanos?: number }): Listener {
  return (req) => (req.kind === "http" ? handler(req.path, req.now, req) : req.kind === "tcp");
}

/** Parses a byte size the way stress does: a number with an optional B, K, M or G suffix (powers of 1024). */
export function parseStressBytes(s: string): number {
  const m = /^(\d+)([bBkKmMgG]?)$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * ({ "": 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m[2]!.toLowerCase()]!);
}

function* stress(argv: string[], sh: ShellState, st: Streams): Gen {
  const num = (names: string[], d: number) => Number(flagValue(argv, names) ?? d);
  if (argv.includes("--help") || argv.length === 1) {
    st.out("`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n");
    return argv.length === 1 ? 1 : 0;
  }
  // vish/stress (the docs' CPU exercise) takes Go flags: -cpus N keeps N cores busy, and runs until stopped.
  if (argv.includes("-cpus")) {
    const cpus = num(["-cpus"], 0);
    if (cpus > 0) yield* perform(sh, { type: "burn", cores: cpus });
    return yield* serve(sh);
  }
  const vm = num(["--vm", "-m"], 0);
  const cpu = num(["--cpu", "-c"], 0);
  st.out(`stress: info: [1] dispatching hogs: ${cpu} cpu, ${num(["--io", "-i"], 0)} io, ${vm} vm, ${num(["--hdd", "-d"], 0)} hdd\n`);
  if (vm > 0) yield* perform(sh, { type: "allocate", bytes: vm * parseStressBytes(flagValue(argv, ["--vm-bytes"]) ?? "256M") });
  if (cpu > 0) yield* perform(sh, { type: "burn", cores: cpu });
  const timeout = flagValue(argv, ["--timeout", "-t"]);
  if (timeout === undefined) return yield* serve(sh);
  const secs = Number(timeout.replace(/s$/, ""));
  yield* perform(sh, { type: "sleep", ms: secs * 1000 });
  st.out(`stress: info: [1] successful run completed in ${secs}s\n`);
  return 0;
}

/**
 * registry.k8s.io/hpa-example (php:5-apache with the walkthrough's index.php): apache on port 80;
 * each request runs the sqrt loop (hpaExampleRequestNanos of CPU) and answers "OK!".
 */
function* phpApache(sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const t = strftime("%a %b %d %H:%M:%S.000000 %Y", sh.io.now());
  st.err(`AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using ${sh.vars.get("HOSTNAME") ?? "127.0.0.1"}. Set the 'ServerName' directive globally to suppress this message\n`);
  st.err(`[${t}] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.10 (Debian) PHP/5.6.14 configured -- resuming normal operations\n`);
  st.err(`[${t}] [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'\n`);
  ctx.listeners.set(80, httpServer(() => ({ status: 200, body: "OK!", cpuNanos: hpaExampleRequestNanos })));
  return yield* serve(sh);
}

/** Go's default time.Time formatting, as agnhost's netexec prints it. */
function goTime(ms: number): string {
  return strftime("%Y-%m-%d %H:%M:%S.%N +0000 UTC", ms);
}

/**
 * A line agnhost writes with Go's log.Printf. Under component-base's cli.Run, logs.InitLogs sends the
 * standard logger to klog.InfoDepth(1): klog's header (I, MMDD hh:mm:ss.uuuuuu, the pid in seven
 * columns, file:line of the log package's write: log.go:195 with Go 1.20 and before, as the
 * hello-minikube tutorial shows for 2.39; log.go:245 from Go 1.21, agnhost 2.47 on, as kubernetes#124594
 * shows). 2.29's agnhost.go only registers klog's flags, so its lines carry the standard logger's date;
 * the switch is taken at 2.36 (Kubernetes 1.24, when its commands moved to cli.Run).
 */
export function agnhostLogLine(ref: string, now: number, msg: string): string {
  const minor = Number(/:2\.(\d+)$/.exec(ref)?.[1] ?? 56);
  if (minor < 36) return `${strftime("%Y/%m/%d %H:%M:%S", now)} ${msg}`;
  const micros = `${String(((now % 1000) + 1000) % 1000).padStart(3, "0")}000`;
  return `I${strftime("%m%d %H:%M:%S", now)}.${micros}       1 log.go:${minor < 47 ? 195 : 245}] ${msg}`;
}

/** agnhost subcommands (test/images/agnhost): the ones Kubernetes' docs and e2e tests use. */
function* agnhost(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const [sub, ...rest] = argv.slice(1);
  const hostname = sh.vars.get("HOSTNAME") ?? "localhost";
  const port = (def: number) => Number(flagValue(rest, ["--port", "--http-port"]) ?? def);
  switch (sub) {
    case undefined:
      st.out("Usage:\n  agnhost [flags]\n  agnhost [command]\n");
      return 0;
    case "pause":
      st.out("Paused\n");
      return yield* serve(sh);
    case "liveness": {
      // /healthz answers 200 for the first 10 seconds after start, then 500 for ever.
      ctx.listeners.set(8080, httpServer((path, now) => {
        if (path.split("?")[0] !== "/healthz") return { status: 404, body: "404 page not found\n" };
        const seconds = (now - ctx.startedAt) / 1000;
        return seconds > 10 ? { status: 500, body: `error: ${seconds}` } : { status: 200, body: "ok" };
      }));
      return yield* serve(sh);
    }
    case "netexec": {
      const p = port(8080);
      const udp = Number(flagValue(rest, ["--udp-port"]) ?? 8081);
      // netexec.go: startServer's line, then the UDP server's goroutine's "Started UDP server on port
      // %s %d" with its listen address ("" for any address, hence the two spaces the page shows)
      const log = (now: number, msg: string) => agnhostLogLine(ctx.image.ref, now, msg);
      st.err(`${log(sh.io.now(), `Started HTTP server on port ${p}`)}\n`);
      if (udp !== -1) st.err(`${log(sh.io.now(), `Started UDP server on port  ${udp}`)}\n`);
      ctx.listeners.set(p, httpServer((path, now, req) => {
        const u = parseUrl(`http://x${path}`);
        const query = new URLSearchParams(path.includes("?") ? path.slice(path.indexOf("?") + 1) : "");
        const route = u.path.split("?")[0];
        // each handler logs its request first (rootHandler's "GET /", echoHandler's query ...)
        if (route === "/echo") sh.io.stderr(log(now, `GET /echo?msg=${query.get("msg") ?? ""}&code=${query.get("code") ?? ""}`));
        else if (["/", "/hostname", "/clientip", "/healthz", "/readyz"].includes(route ?? "")) sh.io.stderr(log(now, `GET ${route}`));
        switch (route) {
          case "/": return { status: 200, body: `NOW: ${goTime(now)}` };
          case "/hostname": case "/hostName": return { status: 200, body: hostname };
          case "/echo": return { status: 200, body: query.get("msg") ?? "" };
          // Go's RemoteAddr is net.JoinHostPort's: an IPv6 client bracketed
          case "/clientip": return { status: 200, body: joinHostPort(req.remoteAddr ?? "10.244.0.1", 40000) };
          case "/healthz": return { status: 200, body: "" };
          case "/readyz": return { status: 200, body: "ok" };
          default: return { status: 404, body: "404 page not found\n" };
        }
      }));
      return yield* serve(sh);
    }
    case "serve-hostname": {
      const p = port(9376);
      st.err(`Serving on port ${p}.\n`);
      ctx.listeners.set(p, httpServer(() => ({ status: 200, body: hostname })));
      return yield* serve(sh);
    }
    case "test-webserver":
      ctx.listeners.set(port(80), httpServer(() => ({ status: 200, body: "" })));
      return yield* serve(sh);
    case "fake-gitserver":
      ctx.listeners.set(port(8000), httpServer(() => ({ status: 200, body: "" })));
      return yield* serve(sh);
    case "porter": {
      // porter serves each SERVE_PORT_<n>=<text> as an HTTP server answering <text>.
      for (const [k, v] of sh.vars) {
        const m = /^SERVE_PORT_(\d+)$/.exec(k);
        if (!m) continue;
        // porter.go's servePort logs only when its server fails, so a working porter writes nothing
        ctx.listeners.set(Number(m[1]), httpServer(() => ({ status: 200, body: v })));
      }
      return yield* serve(sh);
    }
    default:
      st.err(`Error: unknown command "${sub}" for "agnhost"\nRun 'agnhost --help' for usage.\n`);
      return 1;
  }
}

function* helloApp(sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const p = Number(sh.vars.get("PORT") ?? 8080);
  const version = ctx.image.ref.includes(":2.0") ? "2.0.0" : "1.0.0";
  st.err(`${strftime("%Y/%m/%d %H:%M:%S", sh.io.now())} Server listening on port ${p}\n`);
  ctx.listeners.set(p, httpServer(() => ({ status: 200, body: `Hello, world!\nVersion: ${version}\nHostname: ${sh.vars.get("HOSTNAME") ?? "localhost"}\n` })));
  return yield* serve(sh);
}

/**
 * echoserver (registry.k8s.io/echoserver, the docs' source-ip app): nginx with a Lua handler on 8080
 * that answers a request with what it saw of it: the client's address, the method, the URI, the
 * headers sorted by name. 1.4 (nginx 1.10.0) words it "CLIENT VALUES:"; 1.10 (nginx 1.13.3) adds the
 * host name, the pod's downward-API variables when set, and tab-indented sections.
 */
function* echoserver(sh: ShellState, ctx: ProgramContext): Gen {
  const legacy = /:1\.[4-7]$/.test(ctx.image.ref);
  ctx.listeners.set(8080, httpServer((path, _now, req) => {
    const headers = [...(req.headers ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const hostHeader = headers.find(([k]) => k === "host")?.[1];
    // ngx.var.host: the Host header without its port, else the address the request reached
    const host = hostHeader !== undefined ? hostHeader.replace(/:\d+$/, "") : (sh.vars.get("HOSTNAME") ?? "localhost");
    const q = path.indexOf("?");
    const query = q < 0 ? undefined : path.slice(q + 1);
    const client = req.remoteAddr ?? "127.0.0.1";
    const uri = `http://${host}:8080${path}`;
    if (legacy) {
      const lines = ["CLIENT VALUES:", `client_address=${client}`, "command=GET", `real path=${path}`, `query=${query ?? "nil"}`, "request_version=1.1", `request_uri=${uri}`, "",
        "SERVER VALUES:", "server_version=nginx: 1.10.0 - lua: 10001", "", "HEADERS RECEIVED:", ...headers.map(([k, v]) => `${k}=${v}`), "BODY:"];
      return { status: 200, body: lines.join("\n") + "\n-no body in request-" };
    }
    const env = (k: string) => sh.vars.get(k);
    const pod = env("POD_NAME") === undefined ? ["\t-no pod information available-"]
      : [`\tnode name:\t${env("NODE_NAME") ?? "N/A"}`, `\tpod name:\t${env("POD_NAME")}`, `\tpod namespace:\t${env("POD_NAMESPACE") ?? "N/A"}`, `\tpod IP:\t${env("POD_IP") ?? "N/A"}`];
    const lines = ["", "", `Hostname: ${env("HOSTNAME") ?? "localhost"}`, "", "Pod Information:", ...pod, "",
      "Server values:", "\tserver_version=nginx: 1.13.3 - lua: 10008", "",
      "Request Information:", `\tclient_address=${client}`, "\tmethod=GET", `\treal path=${path}`, `\tquery=${query ?? ""}`, "\trequest_version=1.1", "\trequest_scheme=http", `\trequest_uri=${uri}`, "",
      "Request Headers:", ...headers.map(([k, v]) => `\t${k}=${v}`), "", "Request Body:", "\t-no body in request-", "", ""];
    return { status: 200, body: lines.join("\n") };
  }));
  return yield* serve(sh);
}

/**
 * serve_hostname (test/images/serve_hostname, agnhost's serve-hostname before agnhost): HTTP on
 * -port (9376) answering the host name with no newline; log.Printf's date prefix on its line.
 */
function* serveHostname(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const p = Number(flagValue(argv, ["-port", "--port"]) ?? 9376);
  const hostname = sh.vars.get("HOSTNAME") ?? "localhost";
  st.err(`${strftime("%Y/%m/%d %H:%M:%S", sh.io.now())} Serving on port ${p}.\n`);
  ctx.listeners.set(p, httpServer(() => ({ status: 200, body: hostname })));
  return yield* serve(sh);
}

/** The bootcamp's server.js (kubernetes-basics' `cat server.js`). */
const bootcampServerJs = `var http = require('http');
var requests=0;
var podname= process.env.HOSTNAME;
var startTime;
var host;
var handleRequest = function(request, response) {
  response.setHeader('Content-Type', 'text/plain');
  response.writeHead(200);
  response.write("Hello Kubernetes bootcamp! | Running on: ");
  response.write(host);
  response.end(" | v=1\\n");
  console.log("Running On:" ,host, "| Total Requests:", ++requests,"| App Uptime:", (new Date() - startTime)/1000 , "seconds", "| Log Time:",new Date());
}
var www = http.createServer(handleRequest);
www.listen(8080,function () {
    startTime = new Date();;
    host = process.env.HOSTNAME;
    console.log ("Kubernetes Bootcamp App Started At:",startTime, "| Running On: " ,host, "\\n" );
});
`;

/**
 * `node server.js` in the bootcamp image: the start line console.log prints (its arguments joined by
 * spaces, the Date as ISO text, then the "\n" argument and console.log's own newline), then
 * "Hello Kubernetes bootcamp! | Running on: <host> | v=1" on 8080 (v=2 from the v2 image). The
 * request log lines and node run on another script are not modelled.
 */
function* bootcamp(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  if (argv[1] !== "server.js" && argv[1] !== "/server.js") return yield* exitZero("", st);
  const host = sh.vars.get("HOSTNAME") ?? "localhost";
  const version = ctx.image.ref.endsWith(":v2") ? "2" : "1";
  st.out(`Kubernetes Bootcamp App Started At: ${new Date(sh.io.now()).toISOString()} | Running On:  ${host} \n\n`);
  ctx.listeners.set(8080, httpServer(() => ({ status: 200, body: `Hello Kubernetes bootcamp! | Running on: ${host} | v=${version}\n` })));
  return yield* serve(sh);
}

/**
 * etcd: serves its client URLs (--listen-client-urls, default http://localhost:2379) with the gRPC
 * health service (the server's overall status, service "", is SERVING; any other name is unknown)
 * and /health over HTTP.
 */
function* etcd(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const urls = flagValue(argv, ["--listen-client-urls"]) ?? "http://localhost:2379";
  st.err(`{"level":"info","ts":"${strftime("%Y-%m-%dT%H:%M:%S.000Z", sh.io.now())}","caller":"embed/serve.go:98","msg":"ready to serve client requests"}\n`);
  for (const u of urls.split(",")) {
    const port = Number(/:(\d+)\/?$/.exec(u)?.[1] ?? 2379);
    ctx.listeners.set(port, (req) => {
      if (req.kind === "grpc") return (req.service ?? "") === "";
      if (req.kind === "tcp") return true;
      return req.path === "/health" ? { status: 200, body: '{"health":"true","reason":""}' } : { status: 404, body: "404 page not found\n" };
    });
  }
  return yield* serve(sh);
}

/** A Go http.ServeMux of fixed pages: each path's body with 200, any other path its 404. */
function muxServer(pages: Readonly<Record<string, string>>): Listener {
  return httpServer((path) => (Object.hasOwn(pages, path) ? { status: 200, body: pages[path]! } : { status: 404, body: "404 page not found\n" }));
}

/**
 * CoreDNS as kubeadm runs it (`-conf /etc/coredns/Corefile`): the server blocks' startup lines and
 * the reload plugin's hash of the Corefile (SHA-512), then health on :8080/health and readiness on
 * :8181/ready (kubeadm's probes), metrics on :9153. The answers to queries are the cluster's DNS.
 */
function* coredns(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const conf = flagValue(argv, ["-conf"]) ?? "Corefile";
  const corefile = sh.io.fs.read(conf);
  if (typeof corefile !== "string") {
    st.err(`Error during parsing: open ${conf}: no such file or directory\n`);
    return 1;
  }
  const version = /:v?([\d.]+)$/.exec(ctx.image.ref)?.[1] ?? "1.13.1";
  st.out(`.:53\n[INFO] plugin/reload: Running configuration SHA512 = ${createHash("sha512").update(corefile).digest("hex")}\nCoreDNS-${version}\n`);
  ctx.listeners.set(8080, muxServer({ "/health": "OK" }));
  ctx.listeners.set(8181, muxServer({ "/ready": "OK" }));
  ctx.listeners.set(9153, muxServer({ "/metrics": `# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{version="${version}"} 1\n` }));
  ctx.listeners.set(53, () => true);
  return yield* serve(sh);
}

/**
 * kube-proxy with kubeadm's configuration: its mode left empty, it says it uses iptables (klog's
 * header: severity, date, time, PID 1, the caller), then serves healthz on :10256 and metrics on
 * :10249. The rules themselves are the kube-proxy actor's.
 */
function* kubeProxy(st: Streams, sh: ShellState, ctx: ProgramContext): Gen {
  st.err(`I${strftime("%m%d %H:%M:%S", sh.io.now())}.000000       1 server_linux.go:66] "Using iptables proxy"\n`);
  ctx.listeners.set(10256, muxServer({ "/healthz": "ok", "/livez": "ok" }));
  ctx.listeners.set(10249, muxServer({ "/metrics": "" }));
  return yield* serve(sh);
}

/**
 * start-zookeeper (kubernetes/contrib statefulsets/zookeeper): from the host name <name>-<ordinal>
 * and its domain, writes myid (ordinal + 1) in --data_dir and zoo.cfg in --conf_dir with a
 * server.<i> line per member of --servers, then runs the server: the client port answers "ruok"
 * with "imok", the server and election ports accept connections.
 */
function* startZookeeper(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const opt = (name: string, def: string) => flagValue(argv, [`--${name}`]) ?? def;
  const host = (sh.vars.get("HOSTNAME") ?? "localhost").split(".")[0]!;
  const m = /^(.*)-(\d+)$/.exec(host);
  if (!m) {
    st.err(`Failed to parse name and ordinal of Pod\n`);
    return 1;
  }
  const [, name, ord] = m as unknown as [string, string, string];
  const fqdn = yield* hostnameOf(sh, "-f");
  const domain = fqdn.includes(".") ? fqdn.slice(fqdn.indexOf(".") + 1) : "";
  const dataDir = opt("data_dir", "/var/lib/zookeeper/data");
  const confDir = opt("conf_dir", "/opt/zookeeper/conf");
  const servers = Number(opt("servers", "1"));
  const clientPort = Number(opt("client_port", "2181"));
  const serverPort = opt("server_port", "2888");
  const electionPort = opt("election_port", "3888");
  const lines = [
    "#This file was autogenerated DO NOT EDIT",
    `clientPort=${clientPort}`, `dataDir=${dataDir}`, `dataLogDir=${opt("data_log_dir", "/var/lib/zookeeper/log")}`,
    `tickTime=${opt("tick_time", "2000")}`, `initLimit=${opt("init_limit", "10")}`, `syncLimit=${opt("sync_limit", "5")}`,
    `maxClientCnxns=${opt("max_client_cnxns", "60")}`, `minSessionTimeout=${opt("min_session_timeout", "4000")}`, `maxSessionTimeout=${opt("max_session_timeout", "40000")}`,
    `autopurge.snapRetainCount=${opt("snap_retain_count", "3")}`, `autopurge.purgeInteval=${opt("purge_interval", "0")}`,
  ];
  for (let i = 1; i <= servers; i++) lines.push(`server.${i}=${name}-${i - 1}${domain ? `.${domain}` : ""}:${serverPort}:${electionPort}`);
  sh.io.fs.mkdir(dataDir, true);
  sh.io.fs.write(`${dataDir}/myid`, `${Number(ord) + 1}\n`);
  sh.io.fs.mkdir(confDir, true);
  sh.io.fs.write(`${confDir}/zoo.cfg`, lines.join("\n") + "\n");
  const t = () => strftime("%Y-%m-%d %H:%M:%S,000", sh.io.now());
  st.out(`ZOO_LOG_DIR=/var/log/zookeeper\nZOO_LOG4J_PROP=INFO,CONSOLE,ROLLINGFILE\n`);
  st.out(`${t()} [myid:${Number(ord) + 1}] - INFO  [main:QuorumPeerConfig@124] - Reading configuration from: ${confDir}/zoo.cfg\n`);
  ctx.listeners.set(clientPort, (req) => (req.kind === "tcp" ? true : req.kind === "http" ? { status: 200, body: "imok" } : false));
  ctx.listeners.set(Number(serverPort), tcpOnly);
  ctx.listeners.set(Number(electionPort), tcpOnly);
  return yield* serve(sh);
}

/** The canonical name `hostname <flag>` prints, without its newline. */
function* hostnameOf(sh: ShellState, flag: string): Generator<Effect, string, EffectResult> {
  let out = "";
  yield* runArgv(["hostname", flag], sh, { stdin: "", out: (t) => void (out += t), err: () => {} });
  return out.trim();
}

/** zookeeper-ready <port>: `echo ruok | nc 127.0.0.1 <port>` answers imok while the server runs. */
function* zookeeperReady(argv: string[], sh: ShellState, st: Streams): Gen {
  const r = (yield* perform(sh, { type: "http", url: `http://127.0.0.1:${Number(argv[1] ?? 2181)}/` })) as HttpResult | undefined;
  if (!r || "error" in r || r.body !== "imok") return 1;
  st.out("imok");
  return 0;
}

/** An image the catalogue does not describe: assumed to be a server answering 200 on its declared containerPorts. */
function* genericServer(sh: ShellState, ctx: ProgramContext): Gen {
  for (const p of ctx.ports) ctx.listeners.set(p, httpServer(() => ({ status: 200, body: "" })));
  return yield* serve(sh);
}

/**
 * A shell process: it starts with its options off and outside any condition, whatever the shell
 * that ran it had set (a nested `sh -c` shares that shell's state here), which gets its own back.
 * A nested one is a child process (fork and exec): it sees the exported variables only, starts
 * with its own positional parameters, traps and jobs, and nothing it sets or changes (variables,
 * `cd`, `set --`, its name) reaches its parent.
 */
function* shell(argv: string[], sh: ShellState, st: Streams, terminal = false): Gen {
  const saved = { errexit: sh.errexit, xtrace: sh.xtrace, conditions: sh.conditions, substitutionDepth: sh.substitutionDepth };
  Object.assign(sh, { errexit: false, xtrace: false, conditions: 0, substitutionDepth: 0 });
  const parent = (sh.shellDepth ?? 0) > 0 ? forkShell(sh) : undefined;
  sh.shellDepth = (sh.shellDepth ?? 0) + 1;
  try { return yield* shellBody(argv, sh, st, terminal); } finally {
    Object.assign(sh, saved, parent ?? {});
    sh.shellDepth = sh.shellDepth - 1;
  }
}

/** Saves what a child shell must not share with its parent and leaves the child its exported variables; returns the parent's. */
function forkShell(sh: ShellState): Partial<ShellState> {
  const parent: Partial<ShellState> = {
    vars: copyVars(sh.vars), exported: copyNames(sh.exported), positional: sh.positional, shellName: sh.shellName, cwd: sh.cwd,
    traps: sh.traps, jobs: sh.jobs, lastJob: sh.lastJob, status: sh.status, line: sh.line,
  };
  for (const k of [...sh.vars.keys()]) if (!sh.exported.has(k)) sh.vars.delete(k);
  Object.assign(sh, { traps: undefined, jobs: undefined, lastJob: undefined });
  return parent;
}

/** Runs `sh -c script [name args...]`, `sh script.sh`, or `sh` with no terminal (exits 0 at once). */
function* shellBody(argv: string[], sh: ShellState, st: Streams, terminal: boolean): Gen {
  const name = baseName(argv[0]!);
  sh.shellName = name === "bash" ? "bash" : "sh";
  // a shell exports the directory it starts in
  sh.vars.set("PWD", sh.cwd);
  sh.exported.add("PWD");
  let i = 1;
  // option letters before the script: -e and -x as `set` takes them (sh -ec, bash -x); -l and the rest change nothing here
  for (; i < argv.length && /^-[a-zA-Z]*$/.test(argv[i]!) && !argv[i]!.includes("c"); i++) for (const l of argv[i]!.slice(1)) setOption(l, true, sh);
  if (argv[i] !== undefined && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(argv[i]!)) {
    for (const l of argv[i]!.slice(1)) setOption(l, true, sh);
    const script = argv[i + 1];
    if (script === undefined) { st.err(`${sh.shellName}: -c requires an argument\n`); return 2; }
    sh.positional = argv.length > i + 2 ? argv.slice(i + 2) : [sh.shellName];
    return yield* runScript(script, sh, st);
  }
  const file = argv[i];
  // no script named: the commands come from stdin (`kubectl exec -i ... -- sh < script`); at EOF at once, it exits 0
  if (file === undefined) {
    // stdin held open (kubectl run -i, -it; kubectl debug -i): the shell waits for what an attach sends it
    if (terminal && !st.stdin) return yield* serve(sh);
    return st.stdin ? yield* runScript(st.stdin, sh, st) : 0;
  }
  const src = sh.io.fs.read(file.startsWith("/") ? file : `${sh.cwd}/${file}`);
  if (typeof src !== "string") { st.err(`${sh.shellName}: can't open '${file}': No such file or directory\n`); return 2; }
  sh.positional = argv.slice(i);
  return yield* runScript(src, sh, st);
}

/**
 * 10-listen-on-ipv6-by-default.sh (the pod network has IPv6 loopback): adds `listen  [::]:80;` to
 * the packaged default.conf, and says why not when it is missing, read-only (a configMap mounted
 * over conf.d), already done, or not the packaged file. Returns its log lines.
 */
function listenOnIpv6(sh: ShellState, image: ImageInfo): string[] {
  const me = "10-listen-on-ipv6-by-default.sh";
  const path = "/etc/nginx/conf.d/default.conf";
  const conf = sh.io.fs.read(path);
  if (typeof conf !== "string") return [`${me}: info: ${path} is not a file or does not exist`];
  if (sh.io.fs.touch(path)) return [`${me}: info: can not modify ${path} (read-only file system?)`];
  if (conf.includes("listen  [::]:80;")) return [`${me}: info: IPv6 listen already enabled`];
  // an image without a modelled base is nginx's alpine one: apk's checksum, same outcome
  if (image.base !== undefined && typeof sh.io.fs.read("/etc/os-release") !== "string") return [`${me}: info: can not guess the operating system`];
  const checksum = `${me}: info: Getting the checksum of ${path}`;
  if (conf !== nginxDefaultConf) return [checksum, `${me}: info: ${path} differs from the packaged version`];
  sh.io.fs.write(path, nginxDefaultConfIpv6);
  return [checksum, `${me}: info: Enabled listen on IPv6 in ${path}`];
}

/** Prints the nginx image's entrypoint lines (as the real /docker-entrypoint.sh does) and execs its arguments. */
function* dockerEntrypoint(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  const args = argv.slice(1);
  if (ctx.image.kind === "nginx" && (args[0] === "nginx" || args[0] === "nginx-debug") && !sh.vars.get("NGINX_ENTRYPOINT_QUIET_LOGS")) {
    const e = "/docker-entrypoint.sh";
    for (const line of [
      `${e}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration`,
      `${e}: Looking for shell scripts in /docker-entrypoint.d/`,
      `${e}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh`,
      ...listenOnIpv6(sh, ctx.image),
      `${e}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh`,
      `${e}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh`,
      `${e}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh`,
      `${e}: Configuration complete; ready for start up`,
    ]) st.out(line + "\n");
  }
  if (args.length === 0) return 0;
  // redis's docker-entrypoint.sh: a first argument that is an option or a *.conf file is redis-server's
  const first = args[0]!;
  if (ctx.image.kind === "redis" && (first.startsWith("-") || (first.endsWith(".conf") && first !== ".conf"))) args.unshift("redis-server");
  // Like `exec "$@"`: the arguments replace the script.
  throw new ExitSignal(yield* runArgv(args, sh, st));
}

/** curl-container's entrypoint.sh: curl with the arguments, unless the first is a program to exec. */
function* curlEntrypoint(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  let args = argv.slice(1);
  const first = args[0];
  // `if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ]; then set -- curl "$@"; fi`
  if (first === undefined || first.startsWith("-") || !isRunnable(args, sh, ctx)) args = ["curl", ...args];
  throw new ExitSignal(yield* runArgv(args, sh, st));
}

/** True when argv[0] names something this image can run (a shell builtin, a utility or a program). */
export function isRunnable(argv: string[], sh: ShellState, ctx: ProgramContext): boolean {
  const name = argv[0]!;
  const base = name.slice(name.lastIndexOf("/") + 1);
  if (["exit", "true", "false", ":", "exec"].includes(base)) return ctx.image.userland !== "none";
  const probe: Streams = { stdin: "", out: () => {}, err: () => {} };
  if (programsFor(ctx)(argv, sh, probe)) return true; // generators do nothing until first resumed
  return ctx.image.userland !== "none" && Object.hasOwn(sh.utilities, base);
}

/** The external programs an image provides, looked up by argv[0]. */
export function programsFor(ctx: ProgramContext): ProgramLookup {
  const { kind, userland } = ctx.image;
  return (argv, sh, st) => {
    const name = baseName(argv[0]!);
    if (isShell(name)) {
      if (userland === "none" || (name === "bash" && userland === "busybox") || (name === "dash" && userland !== "gnu")) return undefined;
      return shell(argv, sh, st, ctx.terminal === true);
    }
    if (name === "docker-entrypoint.sh" && ["nginx", "redis", "postgres", "mysql", "memcached", "node"].includes(kind)) return dockerEntrypoint(argv, sh, st, ctx);
    switch (`${kind}:${name}`) {
      case "nginx:nginx": case "nginx:nginx-debug": return nginxCommand(argv, sh, st, ctx);
      case "httpd:httpd-foreground": case "httpd:httpd": return httpd(sh, st, ctx);
      case "redis:redis-server": return redisServer(argv, sh, st, ctx.listeners, ctx.image.version ?? "8.2.3");
      case "redis:redis-cli": return redisCli(argv, sh, st, ctx.tty === true);
      case "postgres:postgres": return postgres(sh, st, ctx);
      case "mysql:mysqld": return mysql(sh, st, ctx);
      case "memcached:memcached": return memcached(argv, sh, ctx);
      case "pause:pause": return serve(sh);
      case "agnhost:agnhost": return agnhost(argv, sh, st, ctx);
      case "stress:stress": return stress(argv, sh, st);
      case "hpa-example:docker-php-entrypoint": case "hpa-example:apache2-foreground": return phpApache(sh, st, ctx);
      case "hello-app:hello-app": return helloApp(sh, st, ctx);
      case "echoserver:nginx": case "echoserver:run.sh": return echoserver(sh, ctx);
      case "bootcamp:node": return bootcamp(argv, sh, st, ctx);
      // BIND 9's nslookup (dnsutils), which a Debian userland does not have by itself
      case "dnsutils:nslookup": return nslookup(argv, sh, st);
      case "serve-hostname:serve_hostname": return serveHostname(argv, sh, st, ctx);
      case "etcd:etcd": return etcd(argv, sh, st, ctx);
      case "coredns:coredns": return coredns(argv, sh, st, ctx);
      case "kube-proxy:kube-proxy": return kubeProxy(st, sh, ctx);
      case "zookeeper:start-zookeeper": return startZookeeper(argv, sh, st, ctx);
      case "zookeeper:zookeeper-ready": return zookeeperReady(argv, sh, st);
      case "cassandra:run.sh": return runCassandra(sh, st, ctx.listeners);
      case "cassandra:nodetool": return nodetool(argv, sh, st);
      case "cassandra:ready-probe.sh": return readyProbe(sh, st);
      case "python:python": case "python:python3": return python(argv, sh, st, ctx);
      case "curl:curl": return curl(argv, sh, st);
      case "curl:entrypoint.sh": return curlEntrypoint(argv, sh, st, ctx);
      case "node:node": case "exit0:hello": return exitZero(name === "hello" ? "\nHello from Docker!\nThis message shows that your installation appears to be working correctly.\n" : "", st);
    }
    if (kind === "exit0" && name.startsWith("perl")) return perl(argv, st);
    // an unknown image's own process is taken for a server; what an exec asks of it is not known to be there
    if (kind === "generic" && ctx.exec !== true && !Object.hasOwn(sh.utilities, name)) return genericServer(sh, ctx);
    return undefined;
  };
}

function* memcached(argv: string[], sh: ShellState, ctx: ProgramContext): Gen {
  ctx.listeners.set(Number(flagValue(argv, ["-p", "--port"]) ?? 11211), tcpOnly);
  return yield* serve(sh);
}

/** The most digits of pi a script may ask for: bpi's cost grows with the square of them. */
const piDigitsMax = 20_000;
const piCache = new Map<number, string>();

/**
 * pi to `n` significant digits, rounded, as Math::BigFloat's bpi(n) prints it: Machin's formula
 * (16 atan 1/5 - 4 atan 1/239) in integers with ten guard digits.
 */
export function piToDigits(n: number): string {
  const cached = piCache.get(n);
  if (cached !== undefined) return cached;
  const guard = 10n;
  const scale = 10n ** (BigInt(n - 1) + guard);
  const atanInv = (x: bigint): bigint => {
    let term = scale / x;
    let sum = 0n;
    const x2 = x * x;
    for (let k = 1n, sign = 1n; term !== 0n; k += 2n, sign = -sign) {
      sum += (sign * term) / k;
      term /= x2;
    }
    return sum;
  };
  const scaled = 16n * atanInv(5n) - 4n * atanInv(239n);
  const unit = 10n ** guard;
  // pi is irrational: its guard digits are never exactly half a unit, so rounding up at half is exact
  const digits = String(scaled / unit + (scaled % unit >= unit / 2n ? 1n : 0n));
  const out = n === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  if (piCache.size < 8) piCache.set(n, out);
  return out;
}

/**
 * perl: the docs' Job runs `perl -Mbignum=bpi -wle 'print bpi(2000)'`, which prints pi to 2000
 * digits; -l ends the print with a newline. Any other script is taken to succeed silently.
 */
function* perl(argv: string[], st: Streams): Gen {
  const e = argv.findIndex((a) => /^-[a-zA-Z]*e$/.test(a));
  const script = e < 0 ? undefined : argv[e + 1];
  const bpi = script === undefined ? null : /^\s*print\s+bpi\(\s*(\d+)\s*\)\s*;?\s*$/.exec(script);
  if (bpi && argv.some((a) => /^-Mbignum=.*\bbpi\b/.test(a))) {
    const n = Number(bpi[1]);
    if (n < 1 || n > piDigitsMax) return 0;
    st.out(piToDigits(n) + (argv[e]!.includes("l") ? "\n" : ""));
  }
  return 0;
}

function* exitZero(text: string, st: Streams): Gen {
  if (text) st.out(text);
  return 0;
}

/** Options python3 takes before -c or -m that change nothing here (unbuffered, no .pyc, isolated...). */
const pythonQuietFlags = new Set(["-u", "-B", "-E", "-I", "-O", "-OO", "-s", "-S", "-q", "-b", "-bb"]);

/**
 * python: `-c SCRIPT` runs the script when it stays inside the modelled subset (python.ts);
 * `-m http.server [port]` serves the working directory; anything else (a REPL with no tty, a
 * script outside the subset or in a file) exits 0.
 */
function* python(argv: string[], sh: ShellState, st: Streams, ctx: ProgramContext): Gen {
  let at = 1;
  while (at < argv.length && pythonQuietFlags.has(argv[at]!)) at++;
  if (argv[at] === "-c" && argv[at + 1] !== undefined) {
    const program = compilePython(argv[at + 1]!);
    return program === undefined ? 0 : yield* runPython(program, sh, st);
  }
  const m = argv.indexOf("-m");
  if (m < 0 || argv[m + 1] !== "http.server") return 0;
  const p = Number(argv[m + 2] ?? 8000);
  st.out(`Serving HTTP on 0.0.0.0 port ${p} (http://0.0.0.0:${p}/) ...\n`);
  ctx.listeners.set(p, fileServer(sh, sh.cwd === "/" ? "" : sh.cwd));
  return yield* serve(sh);
}
