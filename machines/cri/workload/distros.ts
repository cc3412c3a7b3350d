// The files a base image ships that docs tasks read (`cat /etc/os-release`, `/etc/passwd`,
// `/etc/group`): Debian's from base-files and base-passwd (passwd.master and group.master, the
// password field "x" as update-passwd writes it with shadow passwords), busybox's from the
// busybox image (buildroot's skeleton). Shared strings: a container's tree holds references.
import type { ImageBase } from "../registry.js";

type Files = Readonly<Record<string, string>>;

const debianOsRelease = (version: number, codename: string, full?: string) =>
  `PRETTY_NAME="Debian GNU/Linux ${version} (${codename})"
NAME="Debian GNU/Linux"
VERSION_ID="${version}"
VERSION="${version} (${codename})"
VERSION_CODENAME=${codename}
${full ? `DEBIAN_VERSION_FULL=${full}\n` : ""}ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

// base-passwd's passwd.master from bookworm on: no gnats, irc's home in /run, _apt in the static range
const debianPasswd = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;

// buster's and bullseye's: gnats, irc in /var/run, and _apt made by apt's postinst (uid 100)
const debianOldPasswd = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/var/run/ircd:/usr/sbin/nologin
gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
_apt:x:100:65534::/nonexistent:/usr/sbin/nologin
`;

const debianGroups = (gnats: boolean) =>
  ["root:0", "daemon:1", "bin:2", "sys:3", "adm:4", "tty:5", "disk:6", "lp:7", "mail:8", "news:9", "uucp:10", "man:12", "proxy:13",
    "kmem:15", "dialout:20", "fax:21", "voice:22", "cdrom:24", "floppy:25", "tape:26", "sudo:27", "audio:29", "dip:30", "www-data:33",
    "backup:34", "operator:37", "list:38", "irc:39", "src:40", ...(gnats ? ["gnats:41"] : []), "shadow:42", "utmp:43", "video:44",
    "sasl:45", "plugdev:46", "staff:50", "games:60", "users:100", "nogroup:65534"]
    .map((g) => { const [name, gid] = g.split(":"); return `${name}:x:${gid}:\n`; }).join("");

const busyboxPasswd = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const busyboxGroup = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nobody:x:65534:
`;

// /etc/os-release is base-files' link to /usr/lib/os-release: both read the same
const debian = (osRelease: string, passwd: string, group: string): Files =>
  ({ "/etc/os-release": osRelease, "/usr/lib/os-release": osRelease, "/etc/passwd": passwd, "/etc/group": group });

// ubuntu:24.04's base-files: /etc/os-release links to /usr/lib/os-release; lsb-release and
// debian_version (the Debian it branched from) beside it; 24.04.3 was the image's point release in 1.35's time
const ubuntuNobleOsRelease = `PRETTY_NAME="Ubuntu 24.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.3 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`;
const ubuntuNoble: Files = {
  "/etc/os-release": ubuntuNobleOsRelease, "/usr/lib/os-release": ubuntuNobleOsRelease,
  "/etc/lsb-release": `DISTRIB_ID=Ubuntu
DISTRIB_RELEASE=24.04
DISTRIB_CODENAME=noble
DISTRIB_DESCRIPTION="Ubuntu 24.04.3 LTS"
`,
  "/etc/debian_version": "trixie/sid\n",
};

// the alpine-release package's files (aports main/alpine-base/APKBUILD, release()): all in /etc
const alpine322: Files = {
  "/etc/os-release": `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.22.1
PRETTY_NAME="Alpine Linux v3.22"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`,
  "/etc/alpine-release": "3.22.1\n",
  "/etc/issue": "Welcome to Alpine Linux 3.22\nKernel \\r on an \\m (\\l)\n\n",
};

const bases: Record<ImageBase, Files> = {
  "debian-buster": debian(debianOsRelease(10, "buster"), debianOldPasswd, debianGroups(true)),
  "debian-bullseye": debian(debianOsRelease(11, "bullseye"), debianOldPasswd, debianGroups(true)),
  "debian-bookworm": debian(debianOsRelease(12, "bookworm"), debianPasswd, debianGroups(false)),
  // trixie's base-files names the point release too (13.2 when Kubernetes 1.35 came out)
  "debian-trixie": debian(debianOsRelease(13, "trixie", "13.2"), debianPasswd, debianGroups(false)),
  busybox: { "/etc/passwd": busyboxPasswd, "/etc/group": busyboxGroup },
  "ubuntu-noble": ubuntuNoble,
  "alpine-3.22": alpine322,
};

/** The files of an image's base, and the account its Dockerfile adds (nginx's useradd --system --uid 101). */
export function baseFiles(base: ImageBase, user?: { passwd: string; group: string }): Files {
  const files = bases[base];
  if (!user) return files;
  return { ...files, "/etc/passwd": (files["/etc/passwd"] ?? "") + user.passwd, "/etc/group": (files["/etc/group"] ?? "") + user.group };
}
