"""The ``swift`` backend: documents as objects in OpenStack Object Storage.

Object names are those ironic-inspector has always used, so data written
by an existing deployment reads as is: ``inspector_data-<uuid>`` for the
processed document and ``inspector_data-<uuid>-UNPROCESSED`` for the one
the ramdisk sent, in the container ``[swift]container``.
"""

from concurrent import futures
import datetime
import http.client
import io
import threading
import urllib.parse

from keystoneauth1 import exceptions as ks_exc
import requests
from swiftclient import client as swift_client
from swiftclient import exceptions as swift_exc
import urllib3.exceptions

from ironic_inspector.common import exception
from ironic_inspector.common import json_codec
from ironic_inspector import conf as inspector_conf
from ironic_inspector.conf import swift as swift_conf
from ironic_inspector.conf import keystone_auth
from ironic_inspector.storage import base

OBJECT_PREFIX = 'inspector_data-'
UNPROCESSED_SUFFIX = '-UNPROCESSED'
VERSION_HEADER = 'X-Object-Meta-Inspector-Version'

# What a refusal (403) means, for the operator who reads it.
REFUSED = ('Swift refused the configured user; with Keystone, it needs an '
           'operator role (such as swiftoperator) on its project')

# DELETE requests in flight at once where the cluster has no bulk delete.
CONCURRENT_DELETES = 8

keystone_auth.register_opts(inspector_conf.CONF, swift_conf.GROUP,
                            swift_conf.SERVICE_TYPE)

# Errors of the client and its transport that mean Swift failed us. A
# connection lost while a body is read surfaces from urllib3 or http.client
# directly, past requests.
_SWIFT_ERRORS = (swift_exc.ClientException, requests.RequestException,
                 ks_exc.ClientException, urllib3.exceptions.HTTPError,
                 http.client.HTTPException)


def object_name(node_uuid, processed):
    """The name of a node's document in the container."""
    name = OBJECT_PREFIX + node_uuid
    return name if processed else name + UNPROCESSED_SUFFIX


def parse_object_name(name):
    """``(node_uuid, processed)`` of an object name, or None."""
    if not name.startswith(OBJECT_PREFIX):
        return None
    rest = name[len(OBJECT_PREFIX):]
    processed = not rest.endswith(UNPROCESSED_SUFFIX)
    node_uuid = rest if processed else rest[:-len(UNPROCESSED_SUFFIX)]
    try:
        return base.check_node_uuid(node_uuid), processed
    except exception.InvalidUUID:
        return None


def _from_timestamp(value):
    """A naive UTC datetime from Swift's X-Timestamp (seconds)."""
    return datetime.datetime.fromtimestamp(
        float(value), tz=datetime.timezone.utc).replace(tzinfo=None)


def _from_listing_time(value):
    """A naive UTC datetime from a listing's ``last_modified``."""
    return datetime.datetime.fromisoformat(value)


def _is_missing(exc):
    return getattr(exc, 'http_status', None) == 404


class _SharedSession:
    """The keystoneauth1 session that every thread's connection shares.

    NOTE: when Swift answers 401 (the token expired), python-swiftclient
    invalidates the session's token and tries again with a new one only if
    ``invalidate()`` says it dropped one. Threads share the session's auth
    plugin, so when several see the token expire at once, all but the first
    find it dropped already and would give up with the 401; here each
    tries again (once, as swiftclient allows).
    """

    def __init__(self, session):
        self._session = session

    def get_endpoint(self, **kwargs):
        return self._session.get_endpoint(**kwargs)

    def get_token(self):
        return self._session.get_token()

    def invalidate(self):
        self._session.invalidate()
        return True


class SwiftStore(base.StorageBackend):
    """Keeps each document as one Swift object.

    A PUT replaces an object whole or not at all, so a failed save leaves
    the previous document readable. The container is created, private,
    on first use. Transient failures (connection errors, 5xx answers, an
    expired token) are retried ``[swift]max_retries`` times by
    python-swiftclient.
    """

    def __init__(self, conf):
        super().__init__(conf)
        options = conf[swift_conf.GROUP]
        self.container = options.container
        self.delete_after = options.delete_after
        self._connection_args = self._connection_args_from(conf, options)
        # Values that must never appear in an error message.
        self._secrets = [s for s in (options.v1_key,
                                     getattr(options, 'password', None))
                         if s]
        self._local = threading.local()
        self._container_ready = False
        # Objects one bulk-delete request may name (0: no bulk delete),
        # from the cluster's /info on first use.
        self._bulk_delete_limit = None
        self._delete_pool = None

    @staticmethod
    def _connection_args_from(conf, options):
        args = {'retries': options.max_retries, 'starting_backoff': 0.5,
                'max_backoff': 4}
        if options.auth_version == '1':
            missing = [name for name in ('v1_auth_url', 'v1_user', 'v1_key')
                       if not options[name]]
            if missing:
                raise exception.ConfigInvalid(
                    error='[swift]auth_version = 1 needs %s'
                          % ', '.join('[swift]%s' % m for m in missing))
            args.update(authurl=options.v1_auth_url, user=options.v1_user,
                        key=options.v1_key, auth_version='1')
            return args
        auth = keystone_auth.load_auth(conf, swift_conf.GROUP)
        if auth is None:
            raise exception.ConfigInvalid(
                error='[swift]auth_type is not set; configure keystone '
                      'authentication or set [swift]auth_version = 1')
        session = keystone_auth.load_session(conf, swift_conf.GROUP, auth)
        os_options = {'service_type': options.service_type,
                      'region_name': options.region_name}
        if options.valid_interfaces:
            os_options['interface'] = options.valid_interfaces[0]
        if options.endpoint_override:
            os_options['object_storage_url'] = options.endpoint_override
        args.update(session=_SharedSession(session), os_options=os_options)
        return args

    def _connection(self):
        # NOTE: a swiftclient Connection is not thread-safe; each thread
        # has its own, and keeps it (and its token) between calls.
        connection = getattr(self._local, 'connection', None)
        if connection is None:
            connection = swift_client.Connection(**self._connection_args)
            self._local.connection = connection
        return connection

    def _reason(self, exc):
        """What Swift said, without URLs' tokens or configured secrets."""
        if isinstance(exc, swift_exc.ClientException) and exc.http_status:
            reason = '%s %s' % (exc.http_status, exc.http_reason or '')
            if exc.http_status == 403:
                reason = '%s: %s' % (reason.strip(), REFUSED)
        else:
            reason = (str(exc).strip().splitlines() or [''])[0]
            reason = reason or type(exc).__name__
        for secret in self._secrets:
            reason = reason.replace(secret, '***')
        return reason.strip()

    def _ensure_container(self, node_uuid):
        if self._container_ready:
            return
        try:
            self._connection().put_container(self.container)
        except _SWIFT_ERRORS as exc:
            raise self.error(node_uuid, 'save',
                             'cannot create container %s: %s'
                             % (self.container, self._reason(exc)))
        self._container_ready = True

    def _read(self, node_uuid, processed):
        stored = self._get_object(object_name(node_uuid, processed),
                                  node_uuid)
        if stored is None:
            raise exception.IntrospectionDataNotFound(
                node_uuid=node_uuid, processed=processed)
        return stored

    def _get_object(self, name, node_uuid):
        """The object ``name`` as a StoredDocument, or None when missing."""
        try:
            headers, body = self._connection().get_object(self.container,
                                                          name)
        except _SWIFT_ERRORS as exc:
            if _is_missing(exc):
                return None
            raise self.error(node_uuid, 'read', self._reason(exc))
        updated_at = (_from_timestamp(headers['x-timestamp'])
                      if 'x-timestamp' in headers else None)
        return base.StoredDocument(body, None, updated_at)

    def _write(self, node_uuid, document, processed, version):
        headers = {}
        if self.delete_after:
            headers['X-Delete-After'] = str(self.delete_after)
        if version:
            headers[VERSION_HEADER] = version
        self._put_object(object_name(node_uuid, processed), document,
                         node_uuid, headers)

    def _put_object(self, name, body, node_uuid, headers=None):
        """Create or replace the JSON object ``name`` with ``body``."""
        self._ensure_container(node_uuid)
        try:
            # NOTE: a file, not the bytes: swiftclient rewinds a file to
            # send it again when it retries (a token that expired, a 5xx),
            # but gives up at once on bytes.
            self._connection().put_object(
                self.container, name, io.BytesIO(body),
                content_length=len(body), content_type='application/json',
                headers=headers or {})
        except _SWIFT_ERRORS as exc:
            raise self.error(node_uuid, 'save', self._reason(exc))

    def _delete(self, node_uuid, processed):
        kinds = (True, False) if processed is None else (processed,)
        return self._delete_objects(
            [object_name(node_uuid, kind) for kind in kinds], node_uuid)

    def _delete_many(self, keys):
        return self._delete_objects([object_name(*key) for key in keys])

    def _delete_objects(self, names, node_uuid=None):
        """Delete objects of the container; how many there were.

        One bulk-delete request per batch where the cluster offers it (its
        ``/info`` has ``bulk_delete``), a few concurrent DELETEs otherwise.
        """
        limit = self._bulk_limit(node_uuid)
        if limit:
            return sum(self._bulk_delete(names[i:i + limit], node_uuid)
                       for i in range(0, len(names), limit))
        if len(names) == 1:
            return self._delete_object(names[0], node_uuid)
        if self._delete_pool is None:
            self._delete_pool = futures.ThreadPoolExecutor(
                CONCURRENT_DELETES, thread_name_prefix='swift-delete')
        return sum(self._delete_pool.map(
            lambda name: self._delete_object(name, node_uuid), names))

    def _bulk_limit(self, node_uuid):
        if self._bulk_delete_limit is None:
            try:
                info = self._connection().get_capabilities()
            except _SWIFT_ERRORS as exc:
                if getattr(exc, 'http_status', None) is None:
                    raise self.error(node_uuid, 'delete', self._reason(exc))
                # NOTE: a cluster may hide its /info; then it has no
                # capability we can count on.
                info = {}
            self._bulk_delete_limit = int(info.get('bulk_delete', {}).get(
                'max_deletes_per_request', 0))
        return self._bulk_delete_limit

    def _delete_object(self, name, node_uuid):
        try:
            self._connection().delete_object(self.container, name)
        except _SWIFT_ERRORS as exc:
            if _is_missing(exc):
                return 0
            raise self.error(node_uuid, 'delete', self._reason(exc))
        return 1

    def _bulk_delete(self, names, node_uuid):
        """Delete up to the cluster's limit of objects in one request.

        :returns: how many of them there were.
        """
        body = b''.join(
            urllib.parse.quote('/%s/%s' % (self.container, name)).encode()
            + b'\n' for name in names)
        try:
            _, result = self._connection().post_account(
                headers={'Accept': 'application/json',
                         'Content-Type': 'text/plain'},
                query_string='bulk-delete', data=body)
        except _SWIFT_ERRORS as exc:
            raise self.error(node_uuid, 'delete', self._reason(exc))
        # NOTE: the answer is 200 whatever became of each object; the body
        # says. A missing container counts as nothing found. An object
        # whose servers failed (5xx) is deleted again on its own, with
        # swiftclient's retries, as without bulk delete: a server that was
        # down may well answer the next request. So is one refused with
        # 401, the token having expired (the request as a whole is not
        # refused, so swiftclient did not renew it): its own DELETE gets
        # the 401 that makes swiftclient renew the token.
        result = json_codec.loads(result)
        errors = [(path, status) for path, status in result.get('Errors')
                  or () if not status.startswith('404')]
        again = [path for path, status in errors
                 if status.startswith(('5', '401'))]
        errors = [error for error in errors if error[0] not in again]
        if errors or not (again or result.get(
                'Response Status', '').startswith(('200', '404'))):
            raise self.error(node_uuid, 'delete', 'bulk delete: %s %s' % (
                result.get('Response Status'),
                '; '.join('%s: %s' % tuple(error) for error in errors[:3])))
        return result.get('Number Deleted', 0) + sum(
            self._delete_object(urllib.parse.unquote(path).split('/', 2)[2],
                                node_uuid)
            for path in again)

    def list(self):
        marker = ''
        while True:
            try:
                _, page = self._connection().get_container(
                    self.container, prefix=OBJECT_PREFIX, marker=marker)
            except _SWIFT_ERRORS as exc:
                if _is_missing(exc):
                    return
                raise self.error(None, 'list', self._reason(exc))
            if not page:
                return
            for entry in page:
                key = parse_object_name(entry['name'])
                if key is not None:
                    updated_at = _from_listing_time(entry['last_modified'])
                    yield base.DocumentInfo(key[0], key[1], None, updated_at)
            marker = page[-1]['name']

    def check(self):
        self._ensure_container(None)
