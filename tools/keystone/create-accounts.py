"""Create the projects, users, roles and the endpoints (the inspector's;
Swift's when SWIFT_URL is set) that the functional tests use, in the
Keystone of tools/keystone/start.sh.

Run with the Python of Keystone's virtualenv (it has keystoneauth1),
after ``keystone-manage bootstrap``; idempotent: what exists is left as
it is, but passwords, which are set again, and the endpoint's URL, which
are moved. Reads everything from the environment (start.sh sets it):

    KEYSTONE_URL          Keystone's root, e.g. http://127.0.0.1:5000
    REGION                the region of the inspector's endpoints
    INSPECTOR_URL         the URL of the inspector API in the catalog
    ADMIN_PASSWORD        of the bootstrap user admin (project admin)
    INSPECTOR_PASSWORD    of ironic-inspector, service role on "service"
    IRONIC_PASSWORD       of ironic, service role on "service"
    MEMBER_PASSWORD       of demo-member, member role on "demo"
    READER_PASSWORD       of system-reader, reader role on the system
    IRONIC_URL            optional: the URL of ironic's API, registered as
                          the baremetal service (tools/ironic/start-ironic.sh
                          with IRONIC_AUTH_STRATEGY=keystone sets it)
    SWIFT_PASSWORD        of swift, service role on "service": the user
                          Swift's proxy checks tokens as
    SWIFT_URL             optional: Swift's proxy, e.g.
                          http://127.0.0.1:8080; registers the object-store
                          service at SWIFT_URL/v1/AUTH_%(project_id)s

ironic-inspector also has the swiftoperator role on "service" (Swift's
keystoneauth lets an operator role use its project's account, as
operator_roles = admin, swiftoperator in a real cloud says);
demo-member has no operator role, so Swift refuses it.
"""

import os

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

DOMAIN = 'default'
# (user, password variable, where, role): where is a project's name, or
# None for the system (all).
ACCOUNTS = (
    ('ironic-inspector', 'INSPECTOR_PASSWORD', 'service', 'service'),
    ('ironic', 'IRONIC_PASSWORD', 'service', 'service'),
    ('demo-member', 'MEMBER_PASSWORD', 'demo', 'member'),
    ('system-reader', 'READER_PASSWORD', None, 'reader'),
    ('ironic-inspector', 'INSPECTOR_PASSWORD', 'service', 'swiftoperator'),
    ('swift', 'SWIFT_PASSWORD', 'service', 'service'),
)
SERVICE_TYPE = 'baremetal-introspection'
SWIFT_SERVICE_TYPE = 'object-store'
SWIFT_PATH = '/v1/AUTH_%(project_id)s'
INTERFACES = ('public', 'internal')


class Identity:
    """Keystone's v3 API, as the bootstrap admin."""

    def __init__(self, url):
        self.url = url + '/v3'
        auth = v3.Password(auth_url=self.url, username='admin',
                           password=os.environ['ADMIN_PASSWORD'],
                           project_name='admin',
                           user_domain_id=DOMAIN, project_domain_id=DOMAIN)
        self.session = ks_session.Session(auth=auth)

    def call(self, method, path, **kwargs):
        response = self.session.request(self.url + path, method, **kwargs)
        return response.json() if response.content else None

    def find(self, collection, **filters):
        """The first of ``collection`` with these attributes, or None."""
        found = self.call('GET', '/%s' % collection, params=filters)
        return found[collection][0] if found[collection] else None

    def ensure(self, collection, **attributes):
        """The ID of the one of ``collection`` named so, created if none."""
        found = self.find(collection, name=attributes['name'])
        if found is None:
            found = self.call('POST', '/%s' % collection, json={
                collection[:-1]: attributes})[collection[:-1]]
            print('created %s %s' % (collection[:-1], attributes['name']))
        return found['id']


def main():
    identity = Identity(os.environ['KEYSTONE_URL'])
    roles = {name: identity.ensure('roles', name=name)
             for name in ('admin', 'member', 'reader', 'service',
                          'swiftoperator')}
    for user, password_variable, where, role in ACCOUNTS:
        password = os.environ[password_variable]
        user_id = identity.ensure('users', name=user, domain_id=DOMAIN,
                                  password=password)
        identity.call('PATCH', '/users/%s' % user_id,
                      json={'user': {'password': password}})
        if where is None:
            target = '/system/users/%s' % user_id
        else:
            project_id = identity.ensure('projects', name=where,
                                         domain_id=DOMAIN)
            target = '/projects/%s/users/%s' % (project_id, user_id)
        identity.call('PUT', '%s/roles/%s' % (target, roles[role]))

    region = os.environ['REGION']
    ensure_endpoints(identity, region, os.environ['INSPECTOR_URL'],
                     name='ironic-inspector', type=SERVICE_TYPE,
                     description='Bare metal introspection')
    if os.environ.get('IRONIC_URL'):
        ensure_endpoints(identity, region, os.environ['IRONIC_URL'],
                         name='ironic', type='baremetal',
                         description='Bare metal provisioning')
    if os.environ.get('SWIFT_URL'):
        ensure_endpoints(identity, region,
                         os.environ['SWIFT_URL'].rstrip('/') + SWIFT_PATH,
                         name='swift', type=SWIFT_SERVICE_TYPE,
                         description='Object storage')


def ensure_endpoints(identity, region, url, **service):
    """The service, its public and internal endpoints at ``url``: created,
    or moved there."""
    service_id = identity.ensure('services', **service)
    for interface in INTERFACES:
        endpoint = identity.find('endpoints', service_id=service_id,
                                 interface=interface)
        if endpoint is None:
            identity.call('POST', '/endpoints', json={'endpoint': {
                'service_id': service_id, 'interface': interface,
                'region_id': region, 'url': url}})
        elif endpoint['url'] != url:
            identity.call('PATCH', '/endpoints/%s' % endpoint['id'],
                          json={'endpoint': {'url': url}})


if __name__ == '__main__':
    main()
