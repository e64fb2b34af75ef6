"""Who may call what: the API's access policy, with oslo.policy.

The rules have ironic-inspector 12.5.0's names and defaults, so that its
policy files keep their meaning: the version documents and the ramdisk's
callback are public; statuses need a reader of the system, an admin or a
service; starting, aborting, reading data and reapplying need an admin
or a service. ``[oslo_policy]policy_file`` overrides any of them. They
are enforced, with ``[DEFAULT]auth_strategy = keystone`` only, by
:func:`enforce`, which finds each request's rule by the method and path
its rule documents.
"""

import argparse
import re
import sys

import flask
from oslo_log import versionutils
from oslo_policy import policy

from ironic_inspector.api import routes
from ironic_inspector.common import context
from ironic_inspector.common import exception
from ironic_inspector import conf as inspector_conf

SYSTEM_ADMIN = 'role:admin and system_scope:all'
SYSTEM_READER = 'role:reader and system_scope:all'
# Admins of any scope and other services are let in too.
ADMIN = '(%s) or (role:admin) or (role:service)' % SYSTEM_ADMIN
READER = '(%s) or (role:admin) or (role:service)' % SYSTEM_READER
PUBLIC = 'rule:public_api'

_DEPRECATED_REASON = ('The rules know system scope and the default roles '
                      'admin, reader and service.')

_BASE_RULES = [
    policy.RuleDefault(
        'is_admin', 'role:admin or role:administrator or role:baremetal_admin',
        description='Full API access (the defaults before system scope)',
        deprecated_for_removal=True, deprecated_reason=_DEPRECATED_REASON,
        deprecated_since=versionutils.deprecated.WALLABY),
    policy.RuleDefault(
        'is_observer', 'role:baremetal_observer',
        description='Read-only API access (the defaults before system '
                    'scope)',
        deprecated_for_removal=True, deprecated_reason=_DEPRECATED_REASON,
        deprecated_since=versionutils.deprecated.WALLABY),
    policy.RuleDefault(
        'public_api', 'is_public_api:True',
        description='True for the requests every caller may make, '
                    'without credentials'),
    policy.RuleDefault(
        'default', '!',
        description='The rule of a request no other rule names: nobody'),
]


def _api_rule(name, check_str, description, operations, deprecated=None):
    """A rule of the API; ``operations`` are ``(method, path)`` pairs;
    ``deprecated``, the check string it had before system scope."""
    if deprecated is not None:
        deprecated = policy.DeprecatedRule(
            name=name, check_str=deprecated,
            deprecated_reason=_DEPRECATED_REASON,
            deprecated_since=versionutils.deprecated.WALLABY)
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': method, 'path': path}
                    for method, path in operations],
        deprecated_rule=deprecated)


_API_RULES = [
    _api_rule('introspection', PUBLIC,
              'Read the versions the API serves', [('GET', '/')]),
    _api_rule('introspection:version', PUBLIC,
              'Read the resources of an API version', [('GET', '/v1')]),
    _api_rule('introspection:continue', PUBLIC,
              "Post a ramdisk's introspection data (the ramdisk's callback)",
              [('POST', '/v1/continue')]),
    _api_rule('introspection:status', READER,
              'Read the status of introspections',
              [('GET', '/v1/introspection'),
               ('GET', '/v1/introspection/{node_id}')],
              deprecated='rule:is_admin or rule:is_observer'),
    _api_rule('introspection:start', ADMIN, 'Start an introspection',
              [('POST', '/v1/introspection/{node_id}')],
              deprecated='rule:is_admin'),
    _api_rule('introspection:abort', ADMIN, 'Abort an introspection',
              [('POST', '/v1/introspection/{node_id}/abort')],
              deprecated='rule:is_admin'),
    _api_rule('introspection:data', ADMIN,
              'Read the stored introspection data, processed or not',
              [('GET', '/v1/introspection/{node_id}/data'),
               ('GET', '/v1/introspection/{node_id}/data/unprocessed')],
              deprecated='rule:is_admin'),
    _api_rule('introspection:reapply', ADMIN,
              'Process the stored (or a given) unprocessed data again',
              [('POST', '/v1/introspection/{node_id}/data/unprocessed')],
              deprecated='rule:is_admin'),
]


def list_policies():
    """Every rule, with its default; for oslopolicy-sample-generator
    (entry point ``oslo.policy.policies``, ``ironic_inspector.api``)."""
    return _BASE_RULES + _API_RULES


def _path_shape(path):
    """``path`` with every variable part, ``{name}`` or Flask's
    ``<name>``, as ``{}``."""
    return re.sub(r'\{[^}]*\}|<[^>]*>', '{}', path)


# (method, path shape) -> the name of the rule of such requests.
_RULE_OF = {(operation['method'], _path_shape(operation['path'])): rule.name
            for rule in _API_RULES for operation in rule.operations}


def rule_of(method, path):
    """The name of the rule of a request, or None when no rule names it.

    :param method: the request's method (GET for a HEAD).
    :param path: the path of its route, as written in its Flask rule.
    """
    return _RULE_OF.get((method, _path_shape(path)))


def build_enforcer(conf):
    """An enforcer of the rules, read again from
    ``[oslo_policy]policy_file`` whenever that file changes."""
    enforcer = policy.Enforcer(conf)
    # NOTE: the new defaults are 12.5.0's; its deprecated ones still
    # apply where [oslo_policy]enforce_new_defaults is false.
    enforcer.suppress_default_change_warnings = True
    enforcer.register_defaults(list_policies())
    return enforcer


def get_enforcer():
    """The enforcer for oslo.policy's commands (entry point
    ``oslo.policy.enforcer``, ``ironic_inspector``), such as
    ``oslopolicy-policy-generator --namespace ironic_inspector``.

    The configuration is read from the command's ``--config-file`` and
    ``--config-dir`` arguments, or else from the usual places; the
    command's other arguments are its own.
    """
    parser = argparse.ArgumentParser(add_help=False)
    for option in ('--config-file', '--config-dir'):
        parser.add_argument(option, action='append', default=[])
    known, _ = parser.parse_known_args(sys.argv[1:])
    argv = (['--config-file=%s' % path for path in known.config_file]
            + ['--config-dir=%s' % path for path in known.config_dir])
    inspector_conf.parse_args(argv)
    return build_enforcer(inspector_conf.CONF)


def enforce(enforcer):
    """Refuse the current request unless the policy allows it: a Flask
    ``before_request`` function, behind keystonemiddleware's auth_token.

    auth_token tells the caller's identity in the headers it sets (and
    removes where a caller sent them): ``X-Identity-Status`` is
    ``Confirmed`` for a valid token, ``X-Roles``, ``X-User-Id``,
    ``X-Project-Id``, ``X-System-Scope`` describe it.

    :raises: NotAuthenticated when a request that is not public comes
        without a valid token; AccessDenied, naming the rule, when the
        rule does not allow the caller the request.
    """
    request = flask.request
    url_rule = request.url_rule
    method = 'GET' if request.method == 'HEAD' else request.method
    # NOTE: a request of no route (404, 405) is public for no one.
    public = (url_rule is not None
              and (method, url_rule.rule) in routes.PUBLIC)
    if (not public
            and request.headers.get('X-Identity-Status') != 'Confirmed'):
        raise exception.NotAuthenticated()
    if url_rule is None:
        return
    name = rule_of(method, url_rule.rule) or 'default'
    # The request's context: the routes make their calls in it.
    flask.g.context = context.RequestContext.from_environ(request.environ)
    credentials = flask.g.context.to_policy_values()
    credentials['is_public_api'] = public
    if not enforcer.authorize(name, {}, credentials):
        raise exception.AccessDenied(rule=name)
