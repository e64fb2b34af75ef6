#!/usr/bin/env python3
"""Walk every command of the README as a new user would, good input and bad.

Each case runs an installed console script (or the README's Python
example) in a fresh directory, where the default configuration keeps a
SQLite file, and checks what the README promises of every command:

* the exit code is the documented one (0 done, 1 failed, 2 usage error;
  ``ironic-inspector-status upgrade check``: 0, 1 warning, 2 failure);
* no traceback, ever;
* a failure says so in one line on standard error,
  ``PROG: error: WHAT``; a success writes nothing there but progress
  lines.

A failure changes nothing, nor does --help, so those cases run side by
side with the others, which run in order, as the README tells them.

    tools/newcomer.py [-v] [--only WORD]

Cases that need Swift use the variables tools/swift/start-swift.sh
writes, and skip, saying so, without them. To add a command, add its
cases to CASES (``{node}`` stands for the node the quick start made,
``{new}`` and ``{other}`` for two more).
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

UNKNOWN_NODE = 'a3e4b8f0-1b2c-4d5e-8f90-0123456789ab'
# Nodes the node cases add, as {new} and {other}.
NODES = {'new': '11111111-2222-4333-8444-555555555555',
         'other': '21111111-2222-4333-8444-555555555555'}

Case = collections.namedtuple('Case',
                              'argv rc stdin check needs ordered chain')


def case(argv, rc=0, stdin=None, check=None, needs=None, ordered=False,
         chain='main'):
    """``argv``: the command line, as a string; ``check``: a function of
    standard output that raises AssertionError when it is wrong;
    ``needs``: 'swift' for cases that need a Swift; ``ordered``: a failure
    that depends on the cases before it; ``chain``: the cases that run in
    order with it (chains run side by side)."""
    return Case(argv, rc, stdin, check, needs, ordered, chain)


def node_case(argv, rc=0, **kwargs):
    """A case of the node cache's own chain."""
    return case('ironic-inspector-node ' + argv, rc, chain='node', **kwargs)


def is_json(out):
    json.loads(out)


def contains(text):
    def check(out):
        assert text in out, '%r not in the output' % text
    return check


# The README's Python example, as a new user would paste it after
# "ironic-inspector-dbsync upgrade"; extracted from README.rst.
PYTHON_EXAMPLE = 'python:README'

CASES = [
    # The quick start, first: it makes the database and a node.
    case('ironic-inspector-quickstart',
         check=contains('CPUs         128 x86_64')),
    case('ironic-inspector-quickstart my-node.json',
         check=contains('found by BMC address 192.0.2.201 and 6 MACs')),
    case('ironic-inspector-quickstart doc.json', 1),
    case('ironic-inspector-quickstart /nonexistent/doc.json', 1),
    case('ironic-inspector-quickstart notjson.txt', 1),
    case('ironic-inspector-quickstart --bogus', 2),
    case('ironic-inspector-quickstart --help'),
    # dbsync
    case('ironic-inspector-dbsync upgrade'),
    case('ironic-inspector-dbsync version'),
    case('ironic-inspector-dbsync --help'),
    case('ironic-inspector-dbsync', 2),
    case('ironic-inspector-dbsync upgrayed', 2),
    case('ironic-inspector-dbsync stamp', 2),
    case('ironic-inspector-dbsync stamp 0123456789ab', 1),
    case('ironic-inspector-dbsync version --bogus', 2),
    case('ironic-inspector-dbsync online_data_migrations',
         check=contains('Total Needed')),
    case('ironic-inspector-dbsync online_data_migrations --max-count 10'),
    case('ironic-inspector-dbsync online_data_migrations --max-count 0', 2),
    case('ironic-inspector-dbsync --config-file /nonexistent.conf version',
         1),
    case('ironic-inspector-dbsync --config-file malformed.conf version', 1),
    case('ironic-inspector-dbsync --config-file badtype.conf version', 1),
    case('ironic-inspector-dbsync --config-file unreachable.conf version',
         1),
    case('ironic-inspector-dbsync --config-file fresh.conf upgrade'),
    # The README's Python example, on the database dbsync made.
    case(PYTHON_EXAMPLE),
    # status
    case('ironic-inspector-status upgrade check'),
    case('ironic-inspector-status upgrade check --json', check=is_json),
    case('ironic-inspector-status upgrade bogus', 2),
    case('ironic-inspector-status', 2),
    case('ironic-inspector-status --config-file empty.conf upgrade check', 2),
    # data
    case('ironic-inspector-data list', check=contains('unprocessed')),
    case('ironic-inspector-data list -f json', check=is_json),
    case('ironic-inspector-data list -f csv -c Node'),
    case('ironic-inspector-data list -f value -c Document'),
    case('ironic-inspector-data list --sort-column "Updated at"'),
    case('ironic-inspector-data list -f xml', 2),
    case('ironic-inspector-data list -c Bogus', 1),
    case('ironic-inspector-data show {node}', check=is_json),
    case('ironic-inspector-data show {node} --unprocessed -f yaml'),
    case('ironic-inspector-data show {node} -f value -c inventory'),
    case('ironic-inspector-data show not-a-uuid', 1),
    case('ironic-inspector-data show %s' % UNKNOWN_NODE, 1),
    case('ironic-inspector-data show', 2),
    case('ironic-inspector-data save {node} doc.json'),
    case('ironic-inspector-data save {node} - --unprocessed',
         stdin='{"inventory": {"cpu": {"count": 2}}}'),
    case('ironic-inspector-data save {node} notjson.txt', 1),
    case('ironic-inspector-data save {node} list.json', 1),
    case('ironic-inspector-data save {node} /nonexistent/doc.json', 1),
    case('ironic-inspector-data save %s doc.json' % UNKNOWN_NODE, 1),
    # migrate-data
    case('ironic-inspector-migrate-data', 2),
    case('ironic-inspector-migrate-data --from swift', 2),
    case('ironic-inspector-migrate-data --from database --to database', 2),
    case('ironic-inspector-migrate-data --from none --to database', 2),
    case('ironic-inspector-migrate-data --from s3 --to database', 2),
    case('ironic-inspector-migrate-data --from database --to swift '
         '--workers 0', 2),
    case('ironic-inspector-migrate-data --from database --to swift '
         '--node not-a-uuid', 2),
    case('ironic-inspector-migrate-data --config-file noswift.conf '
         '--from database --to swift', 1),
    case('ironic-inspector-migrate-data --config-file swift.conf '
         '--from database --to swift --dry-run', needs='swift'),
    case('ironic-inspector-migrate-data --config-file swift.conf '
         '--from database --to swift --verify', needs='swift'),
    case('ironic-inspector-migrate-data --config-file swift.conf '
         '--from swift --to database', needs='swift'),
    case('ironic-inspector-migrate-data --from none --to ironic', 2),
    case('ironic-inspector-migrate-data --from database --to ironic '
         '--node not-a-uuid', 2),
    case('ironic-inspector-migrate-data --from database --to ironic '
         '--verify', 2),
    case('ironic-inspector-migrate-data --from database --to ironic', 1),
    case('ironic-inspector-data --config-file swift.conf list -f csv',
         needs='swift'),
    case('ironic-inspector-data --config-file swift.conf purge '
         '--older-than 0', needs='swift'),
    case('ironic-inspector-data delete not-a-uuid', 1),
    case('ironic-inspector-data delete {node}'),
    case('ironic-inspector-data delete {node}', 1, ordered=True),
    case('ironic-inspector-data purge --older-than 30'),
    case('ironic-inspector-data purge --older-than 0'),
    case('ironic-inspector-data purge --older-than -1', 2),
    case('ironic-inspector-data purge', 2),
    case('ironic-inspector-data', 2),
    case('ironic-inspector-data frobnicate', 2),
    case('ironic-inspector-data help'),
    case('ironic-inspector-data --config-file none.conf save {node} '
         'doc.json', 1),
    case('ironic-inspector-data --config-file none.conf delete {node}', 1),
    case('ironic-inspector-data --config-file none.conf list'),
    case('ironic-inspector-data --config-file unreachable.conf list', 1),
    # node (the node cache)
    node_case('add {new} --mac 52:54:00:aa:bb:cc'),
    node_case('add {new}', 1, ordered=True),
    node_case('add {other} --mac 52:54:00:aa:bb:cc', 1,
              ordered=True),
    node_case('add {other} --mac zz', 1),
    node_case('add {other} --bmc-address 999.1.1.1', 1),
    node_case('add not-a-uuid', 1),
    node_case('add', 2),
    node_case('list -f json', check=is_json),
    node_case('show {new} -f value -c State',
              check=contains('waiting')),
    node_case('show {other}', 1),
    node_case('delete {new}'),
    node_case('delete {new}', 1, ordered=True),
    node_case('frob', 2),
    # api: what a user can try without serving requests.
    case('ironic-inspector-api --help'),
    case('ironic-inspector-api --bogus', 2),
    case('ironic-inspector-api --config-file /nonexistent.conf', 1),
    # conductor: only what a user can try without a deployment.
    case('ironic-inspector-conductor --help'),
    case('ironic-inspector-conductor --bogus', 2),
]


def my_node():
    """The shipped ramdisk document made another node, as the README
    says: another BMC address, other MACs, PXE-booted from the first."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           os.pardir, 'ironic_inspector', 'samples',
                           'ramdisk-document.json')) as sample:
        document = json.load(sample)
    document['inventory']['bmc_address'] = '192.0.2.201'
    for number, interface in enumerate(document['inventory']['interfaces']):
        interface['mac_address'] = '52:54:00:00:01:%02x' % number
    document['boot_interface'] = '01-52-54-00-00-01-00'
    return json.dumps(document)


def prepare(workdir, swift):
    """The files the cases name, in the working directory."""
    files = {
        'my-node.json': my_node(),
        'doc.json': json.dumps({'inventory': {'hostname': 'newcomer',
                                              'cpu': {'count': 4}},
                                'logs': 'never stored'}),
        'notjson.txt': 'this is not JSON',
        'list.json': '[1, 2, 3]',
        'malformed.conf': '[database\nconnection = sqlite://\n',
        'badtype.conf': '[processing]\nmax_data_size = lots\n',
        'unreachable.conf': '[database]\nconnection = mysql+pymysql://'
                            'inspector:Secret-Pa55@127.0.0.1:1/inspector\n',
        'fresh.conf': '[database]\nconnection = sqlite:///fresh.sqlite\n',
        'empty.conf': '[database]\nconnection = sqlite:///empty.sqlite\n',
        'none.conf': '[processing]\nstorage_backend = none\n',
        'noswift.conf': '[swift]\nauth_version = 1\nv1_auth_url = '
                        'http://127.0.0.1:1/auth/v1.0\nv1_user = a:b\n'
                        'v1_key = Secret-Pa55\nmax_retries = 0\n',
    }
    if swift:
        files['swift.conf'] = (
            '[processing]\nstorage_backend = swift\n'
            '[swift]\ncontainer = newcomer-%d\nauth_version = 1\n'
            'v1_auth_url = %s\nv1_user = %s\nv1_key = %s\n'
            % ((os.getpid(),) + swift))
    for name, text in files.items():
        with open(os.path.join(workdir, name), 'w') as output:
            output.write(text)


def readme_python_example():
    """The README's Python example, with its placeholders filled."""
    readme = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          os.pardir, 'README.rst')
    with open(readme) as text:
        match = re.search(r'(?s:In Python, .*?::)\n\n((?:    .*\n|\n)+)',
                          text.read())
    code = '\n'.join(line[4:] for line in match.group(1).splitlines())
    return code


def run_case(case, workdir, node):
    if case.argv == PYTHON_EXAMPLE:
        argv = [sys.executable, '-c', readme_python_example()]
    else:
        argv = [arg.format(node=node, **NODES)
                for arg in _split(case.argv)]
        argv[0] = shutil.which(argv[0]) or argv[0]
    result = subprocess.run(argv, cwd=workdir, input=case.stdin,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def _split(command_line):
    import shlex
    return shlex.split(command_line)


# What a command may write on standard error while it succeeds.
_PROGRESS = re.compile(r'^\d+/\d+ documents ')


def is_stateless(case):
    """Whether a case changes nothing and depends on no other."""
    return (case.rc != 0 and not case.ordered) or '--help' in case.argv


def problems(case, rc, out, err):
    """What is wrong with a case's outcome; empty when nothing."""
    found = []
    if rc != case.rc:
        found.append('exit code %d, expected %d' % (rc, case.rc))
    if 'Traceback' in out + err:
        found.append('a traceback')
    if 'Secret-Pa55' in out + err:
        found.append('a password in the output')
    is_status_check = case.argv.startswith('ironic-inspector-status') and \
        rc in (1, 2) and 'check' in case.argv.split()[-1:] + ['']
    if rc == 0 or is_status_check:
        if any(not _PROGRESS.match(line) for line in err.splitlines()):
            found.append('standard error not empty')
    else:
        lines = err.splitlines()
        if len(lines) != 1 or ': error: ' not in lines[0]:
            found.append('standard error is not one "PROG: error: ..." '
                         'line')
    if rc == case.rc and case.check is not None:
        try:
            case.check(out)
        except (AssertionError, ValueError) as exc:
            found.append('output: %s' % exc)
    return found


def swift_credentials():
    try:
        return (os.environ['SWIFT_TEST_AUTH_URL'],
                os.environ['SWIFT_TEST_USER'], os.environ['SWIFT_TEST_KEY'])
    except KeyError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-v', '--verbose', action='store_true',
                        help='print every case, not only failures')
    parser.add_argument('--only', help='run the cases containing this')
    args = parser.parse_args()
    swift = swift_credentials()
    started = time.monotonic()
    cases = [case for case in CASES
             if not args.only or args.only in case.argv]
    skipped = sum(1 for case in cases if case.needs == 'swift' and not swift)
    cases = [case for case in cases if swift or case.needs != 'swift']
    with tempfile.TemporaryDirectory(prefix='newcomer-') as workdir:
        prepare(workdir, swift)
        outcomes = []
        # NOTE: the first case is the quick start, which makes the node the
        # others name.
        outcomes.append(run_case(cases[0], workdir, None))
        found = re.search(r'ironic-inspector-data show (\S+)',
                          outcomes[0][1])
        node = found and found.group(1)
        chains = collections.defaultdict(list)
        for case in cases[1:]:
            if not is_stateless(case):
                chains[case.chain].append(case)

        def run_chain(chain):
            return {case: run_case(case, workdir, node) for case in chain}

        with concurrent.futures.ThreadPoolExecutor(
                os.cpu_count() + len(chains)) as pool:
            ordered = [pool.submit(run_chain, chain)
                       for chain in chains.values()]
            stateless = {case: pool.submit(run_case, case, workdir, node)
                         for case in cases[1:] if is_stateless(case)}
            results = {case: future.result()
                       for case, future in stateless.items()}
            for future in ordered:
                results.update(future.result())
        outcomes += [results[case] for case in cases[1:]]
    passed = failed = 0
    for case, (rc, out, err) in zip(cases, outcomes):
        wrong = problems(case, rc, out, err)
        if wrong:
            failed += 1
            print('FAIL %s: %s\n  stdout: %s\n  stderr: %s'
                  % (case.argv, '; '.join(wrong), out[-500:].strip(),
                     err[-2000:].strip()))
        else:
            passed += 1
            if args.verbose:
                print('ok   %s (%d)' % (case.argv, rc))
    print('newcomer: %d cases passed, %d failed, %d skipped (no Swift) in '
          '%.0f s' % (passed, failed, skipped, time.monotonic() - started))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
