#!/usr/bin/env python3
"""HTTP health checks of Galera nodes, for HAProxy's ``option httpchk``.

    clustercheck.py PORT:SOCKET [PORT:SOCKET ...]

For each pair, answers HTTP on 127.0.0.1:PORT with 200 while the MariaDB
node behind the unix socket SOCKET is a synced member of the primary
component (wsrep_local_state 4), and 503 otherwise: stopped, still
joining, or cut off from the cluster. This is what kolla-ansible's
mariadb_clustercheck and openstack-ansible's clustercheck on port 9200
tell their HAProxy, so that a node which accepts connections but cannot
serve them yet gets no traffic. Standard library only; the node is asked
with the mariadb client as root over its socket.
"""

import http.server
import subprocess
import sys
import threading

SYNCED = '4'


def node_state(socket_path):
    try:
        result = subprocess.run(
            ['mariadb', '-S', socket_path, '-u', 'root', '-N', '-B', '-e',
             "SHOW STATUS LIKE 'wsrep_local_state'"],
            capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        return None
    fields = result.stdout.split()
    return fields[1] if result.returncode == 0 and len(fields) == 2 else None


def handler_for(socket_path):
    class Check(http.server.BaseHTTPRequestHandler):
        def _answer(self, with_body):
            synced = node_state(socket_path) == SYNCED
            body = b'synced\n' if synced else b'not synced\n'
            self.send_response(200 if synced else 503)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self):
            self._answer(True)

        def do_HEAD(self):
            self._answer(False)

        # HAProxy's httpchk asks with OPTIONS unless told otherwise.
        do_OPTIONS = do_HEAD

        def log_message(self, *args):
            pass

    return Check


def main(pairs):
    if not pairs or any(':' not in pair for pair in pairs):
        sys.exit('usage: clustercheck.py PORT:SOCKET [PORT:SOCKET ...]')
    servers = []
    for pair in pairs:
        port, socket_path = pair.split(':', 1)
        servers.append(http.server.ThreadingHTTPServer(
            ('127.0.0.1', int(port)), handler_for(socket_path)))
    threads = [threading.Thread(target=server.serve_forever)
               for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == '__main__':
    main(sys.argv[1:])
