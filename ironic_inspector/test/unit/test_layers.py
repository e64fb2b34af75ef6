"""The package's layers: a module imports from its own layer or below.

Every module of the package, its tests aside, is in a layer, named by
its folder; the package's own ``__init__`` is below them all and imports
nothing of the project. When an import breaks the order, the code it
wants is in the wrong layer, or the importing module is: move one of
them; a new folder takes its place in LAYERS.
"""

import ast
import importlib.util
import pathlib

import testtools

import ironic_inspector

# Bottom to top.
LAYERS = ('common', 'conf', 'clients', 'db', 'storage', 'ironic_inventory',
          'objects', 'conductor', 'processing', 'introspection', 'api',
          'cmd')

_ROOT = pathlib.Path(ironic_inspector.__file__).parent
_PROJECT = ironic_inspector.__name__
# The package's own __init__ is below every layer.
_ORDER = (_PROJECT,) + LAYERS


def modules():
    """``{module name: path}`` of every module of the package but tests."""
    found = {}
    for path in _ROOT.rglob('*.py'):
        parts = path.relative_to(_ROOT.parent).with_suffix('').parts
        if parts[1:2] == ('test',):
            continue
        found['.'.join(parts)] = path
    return found


def imports(module, source):
    """The project's modules that ``source``, the code of ``module``,
    imports: by ``import``, ``from ... import`` (absolute or relative) or
    ``__import__`` of a literal name."""
    package = module.rpartition('.')[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name(
                '.' * node.level + (node.module or ''), package)
            # NOTE: "from package import name" may import a module of
            # the package; where it is a function or a class, the
            # module's layer is the one that counts.
            names = ['%s.%s' % (base, alias.name) for alias in node.names]
        elif (isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name)
              and node.func.id == '__import__' and node.args
              and isinstance(node.args[0], ast.Constant)):
            names = [node.args[0].value]
        else:
            continue
        found.update(name for name in names
                     if name.split('.')[0] == _PROJECT)
    return found


def layer(module):
    """The layer of ``module``: a name of LAYERS, the package's name for
    its own ``__init__``, None for a module in no layer."""
    parts = module.split('.')
    if parts[1:] in ([], ['__init__']):
        return _PROJECT
    return parts[1] if parts[1] in LAYERS else None


def upward_imports(graph):
    """One line per import of ``graph`` (``{module: modules it imports}``)
    to a higher layer, or to a module in no layer; the imports of a module
    in no layer are left out."""
    lines = []
    for module, imported in sorted(graph.items()):
        own = layer(module)
        if own is None:
            continue
        for target in sorted(imported):
            theirs = layer(target)
            if theirs is None:
                lines.append('%s imports %s, which is in no layer'
                             % (module, target))
            elif _ORDER.index(theirs) > _ORDER.index(own):
                lines.append('%s imports %s, a layer above it (%s > %s)'
                             % (module, target, theirs, own))
    return lines


class LayersTestCase(testtools.TestCase):

    def assertNoViolations(self, lines):
        if lines:
            self.fail('\n' + '\n'.join(lines))

    def test_every_module_is_in_a_layer(self):
        self.assertNoViolations([
            '%s is in no layer (%s)' % (module, ', '.join(LAYERS))
            for module in sorted(modules()) if layer(module) is None])

    def test_imports_go_down(self):
        graph = {module: imports(module, path.read_text())
                 for module, path in modules().items()}
        self.assertNoViolations(upward_imports(graph))


class CheckerTestCase(testtools.TestCase):
    """The checker itself, on code written for it."""

    def test_every_form_of_import_is_seen(self):
        source = ('import os\n'
                  'import ironic_inspector.db.models\n'
                  'from oslo_db import api\n'
                  'from ironic_inspector import conf\n'
                  'from ironic_inspector.db import engine as db_engine\n'
                  'from . import sibling\n'
                  'def later():\n'
                  '    from ..storage import base\n'
                  "    __import__('ironic_inspector.objects.node')\n")
        self.assertEqual({'ironic_inspector.db.models',
                          'ironic_inspector.conf',
                          'ironic_inspector.db.engine',
                          'ironic_inspector.db.sibling',
                          'ironic_inspector.storage.base',
                          'ironic_inspector.objects.node'},
                         imports('ironic_inspector.db.nodes', source))

    def test_a_package_init_resolves_relative_imports_in_itself(self):
        self.assertEqual({'ironic_inspector.objects.node'},
                         imports('ironic_inspector.objects.__init__',
                                 'from . import node\n'))

    def test_lines_name_the_importing_and_the_imported_module(self):
        graph = {'ironic_inspector.db.nodes': {'ironic_inspector.db.engine',
                                               'ironic_inspector.common.x',
                                               'ironic_inspector.api.app'},
                 'ironic_inspector.storage.migrate': {
                     'ironic_inspector.test.samples'},
                 'ironic_inspector.__init__': {'ironic_inspector.conf'}}
        self.assertEqual(
            ['ironic_inspector.__init__ imports ironic_inspector.conf, '
             'a layer above it (conf > ironic_inspector)',
             'ironic_inspector.db.nodes imports ironic_inspector.api.app, '
             'a layer above it (api > db)',
             'ironic_inspector.storage.migrate imports '
             'ironic_inspector.test.samples, which is in no layer'],
            upward_imports(graph))
