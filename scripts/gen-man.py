#!/usr/bin/env python3
"""Write httpsrc-connect(1) from the built binary: the key reference is
`httpsrc-connect --describe-config` (the declared key tables, the same
output the README's key section is), turned into roff; the rest of the
page is written here.

  gen-man.py HTTPSRC_CONNECT PLUGIN_DIR VERSION OUTPUT
"""
import os
import re
import subprocess
import sys
import tempfile

HEAD = r""".TH HTTPSRC-CONNECT 1 "" "httpsrc-connect {version}" "User Commands"
.SH NAME
httpsrc-connect \- stream HTTP/REST APIs into Apache Kafka, like Kafka Connect
.SH SYNOPSIS
.B httpsrc-connect
[\fB\-\-once\fR] [\fB\-\-log\-level\fR \fILEVEL\fR] [\fB\-\-log\-format\fR \fBtext\fR|\fBjson\fR]
\fIWORKER.properties\fR [\fICONNECTOR.json\fR|\fICONNECTOR.properties\fR ...]
.br
.B httpsrc-connect \-\-preview
[\fB\-\-pages\fR \fIN\fR] \fIWORKER.properties\fR \fICONNECTOR.json\fR
.br
.B httpsrc-connect \-\-describe\-config
\fIWORKER.properties\fR
.SH DESCRIPTION
Runs connectors the way Kafka Connect's connect-standalone does: the same
connector JSON, the same offset semantics and offset file format, without a
JVM. It serves Kafka Connect's REST API and \fB/metrics\fR (Prometheus) on
the worker's \fBlisteners\fR.
.SH OPTIONS
.TP
.B \-\-once
Run every connector until it is caught up, wait for every record to be
acknowledged, store the offsets, exit.
.TP
\fB\-\-log\-level\fR \fILEVEL\fR
error, warn, info (default), debug or trace. A connector's own
\fBlog.level\fR key overrides it for that connector.
.TP
\fB\-\-log\-format\fR \fBtext\fR|\fBjson\fR
json: one object a line with time, level, connector, message and fields.
.TP
.B \-\-preview
Run the connector against its API without Kafka and without storing
offsets; print each page's request, status, record count and next page key,
the first records as Kafka would get them and the offset that would be
stored. Exit 0 if records were found, 1 otherwise.
.TP
\fB\-\-pages\fR \fIN\fR
Pages \-\-preview requests at most (default 1).
.TP
.B \-\-describe\-config
Print every key the worker, the connectors and the loaded plugins accept.
.TP
.BR \-V ", " \-\-version
Print the version, the commit and the library versions.
.SH SIGNALS
.TP
.BR SIGTERM ", " SIGINT
Stop polling, wait up to 30 s for outstanding acknowledgements, store the
offsets, exit 0.
.TP
.B SIGHUP
Re-read the connector files given on the command line and apply what
changed: a changed file restarts its connector with the new config (offsets
kept), a removed file deletes its connector (its offsets stay), a file that
does not load is logged and changes nothing.
.SH EXIT STATUS
0 done; 1 a connector failed (or \-\-preview found no record); 2 bad usage
or a bad config file.
.SH FILES
.TP
.I {sysconfdir}/httpsrc/worker.properties
The worker config of the systemd unit \fBhttpsrc-connect.service\fR.
.TP
.I {sysconfdir}/default/httpsrc-connect
HTTPSRC_CONNECTORS: the unit's connector files.
.TP
.I {plugindir}
Plugins (httpsrc-*.so), the default \fBplugin.path\fR.
.SH CONFIGURATION KEYS
Generated from the declared key tables (\fBhttpsrc-connect
\-\-describe\-config\fR).
"""

TAIL = r""".SH SEE ALSO
Kafka Connect: https://kafka.apache.org/documentation/#connect
"""


def roff(text):
    """Markdown cell text as roff: `code` bold, escapes."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"`([^`]*)`", r"\\fB\1\\fR", text)
    text = re.sub(r"\*\*([^*]*)\*\*", r"\\fB\1\\fR", text)
    lines = text.split("\n")
    return "\n".join("\\&" + l if l[:1] in (".", "'") else l for l in lines)


def convert(md):
    out = []
    for line in md.splitlines():
        if line.startswith("### "):
            out.append(".SS " + roff(line[4:]))
        elif line.startswith("| key |") or line.startswith("|---"):
            continue
        elif line.startswith("| "):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if len(cells) != 4:
                raise SystemExit("gen-man: unexpected row: " + line)
            key, typ, dflt, doc = cells
            dflt = dflt.strip("`")
            out.append(".TP\n%s (%s%s)\n%s" % (
                roff(key), roff(typ),
                ", default " + roff(dflt) if dflt and dflt != "required"
                else ", required" if dflt == "required" else "",
                roff(doc)))
        elif line.startswith("**"):
            out.append(".PP\n" + roff(line))
        elif line.strip():
            out.append(roff(line))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__ + "\n  (args: BIN PLUGIN_DIR VERSION SYSCONFDIR PLUGINDIR OUTPUT)")
    binary, plugins, version, sysconfdir, plugindir, output = sys.argv[1:]
    with tempfile.NamedTemporaryFile("w", suffix=".properties") as w:
        w.write("plugin.path=%s\nlisteners=\n" % plugins)
        w.flush()
        md = subprocess.run([binary, "--describe-config", w.name], check=True,
                            stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, HTTPSRC_PLUGIN_PATH=plugins)).stdout
    page = HEAD.format(version=version, sysconfdir=sysconfdir,
                       plugindir=plugindir) + convert(md) + TAIL
    with open(output, "w") as f:
        f.write(page)


if __name__ == "__main__":
    main()
