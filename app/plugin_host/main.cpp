// sagsflow-plugin-host: one supervised plugin, in its own process.
//
// A small program of its own rather than a hidden `sagsflow plugin-host`
// subcommand: the child then maps only the plugin host and the ABI code, not
// the HTTP server, the database drivers, the CLI or the signing-key handling,
// so a plugin's crash or memory corruption has less to reach, and a child
// starts in a few milliseconds. It is installed beside `sagsflow`, where the
// server and the CLI look for it (PluginHostOptions::child_program).
//
// The parent starts it as `sagsflow-plugin-host --fd 3 --library FILE` with
// the socket on fd 3 and nothing else open; see plugin_protocol.hpp.
#include "sagsflow/plugins/plugin_host.hpp"

int main(int argc, char** argv) { return sagsflow::plugin_host_child_main(argc, argv); }
