"""Authentication of API callers, as WSGI middleware.

``[DEFAULT]auth_strategy`` chooses it: ``noauth`` adds none,
``http_basic`` checks HTTP basic credentials against an htpasswd file of
bcrypt hashes, ``keystone`` checks Keystone tokens with
keystonemiddleware's auth_token (the access policy then decides, see
:mod:`ironic_inspector.api.policy`). Passwords, hashes and tokens are
never logged nor answered.
"""

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import threading

import bcrypt
from keystonemiddleware import auth_token
from oslo_log import log

from ironic_inspector.api import errors
from ironic_inspector.common import exception

LOG = log.getLogger(__name__)

# Where the authenticated user's name is left for the application.
USER_ENVIRON_KEY = 'ironic_inspector.user'

_BCRYPT_PREFIXES = ('$2a$', '$2b$', '$2y$')
_REALM = 'ironic-inspector'


def read_user_file(path):
    """The users of an htpasswd file: ``{name: bcrypt hash}``.

    Blank lines and lines starting with ``#`` are skipped.

    :raises: ConfigInvalid when the file cannot be read, or a line is not
        ``name:hash`` with a bcrypt hash (the error names the line by its
        number, never by its content).
    """
    try:
        with open(path, encoding='utf-8') as user_file:
            lines = user_file.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise exception.ConfigInvalid(
            error='cannot read [DEFAULT]http_basic_auth_user_file %s: %s'
            % (path, getattr(exc, 'strerror', None) or exc))
    users = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        name, _, hashed = line.partition(':')
        if not name or not hashed.startswith(_BCRYPT_PREFIXES):
            raise exception.ConfigInvalid(
                error='%s, line %d: expected "user:bcrypt hash" (create '
                      'entries with "htpasswd -B")' % (path, number))
        # NOTE: $2y$ (Apache's name) and $2b$ are the same algorithm;
        # some bcrypt builds know only the latter.
        users[name] = ('$2b$' + hashed[4:]).encode()
    return users


class _UserFile:
    """The users of an htpasswd file, read again when the file changes."""

    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        self._stamp = self._users = None
        self.users()

    def _file_stamp(self):
        stat = os.stat(self.path)
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def users(self):
        """``{name: hash}`` as the file now says.

        :raises: ConfigInvalid when it can no longer be read or parsed.
        """
        try:
            stamp = self._file_stamp()
        except OSError as exc:
            raise exception.ConfigInvalid(
                error='cannot read [DEFAULT]http_basic_auth_user_file %s: '
                      '%s' % (self.path, exc.strerror))
        with self._lock:
            if stamp != self._stamp:
                self._users = read_user_file(self.path)
                if self._stamp is not None:
                    LOG.info('Read the API users from %s again',
                             self.path)
                self._stamp = stamp
            return self._users


class HttpBasicAuth:
    """Middleware that lets a request through with valid credentials.

    :param app: the WSGI application behind it.
    :param user_file: path of the htpasswd file.
    :param public: ``(method, path)`` pairs that need no credentials.
    :raises: ConfigInvalid when the user file is not usable, so that the
        service does not start without its users.
    """

    def __init__(self, app, user_file, public):
        self.app = app
        self.public = frozenset(public)
        self._user_file = _UserFile(user_file)
        # NOTE: bcrypt is slow on purpose (some 0.25 s for a hash of the
        # default cost); a client sending the same valid credentials with
        # every request pays it once. What is kept is a keyed digest of
        # the password, with a key that exists in this process only, and
        # the hash it matched, so a changed file invalidates it.
        self._digest_key = secrets.token_bytes(32)
        self._verified = {}

    def __call__(self, environ, start_response):
        method = environ['REQUEST_METHOD']
        if method == 'HEAD':
            method = 'GET'
        path = environ.get('PATH_INFO', '').rstrip('/') or '/'
        if (method, path) in self.public:
            return self.app(environ, start_response)
        credentials = _credentials(environ.get('HTTP_AUTHORIZATION'))
        if credentials is None:
            return _unauthorized(start_response, 'Authentication required')
        try:
            user = self._authenticate(*credentials)
        except exception.ConfigInvalid as exc:
            LOG.error('Refusing every authenticated request: %s', exc)
            return _error(start_response, '503 Service Unavailable',
                          'The API cannot check credentials now; see its '
                          'log.')
        if user is None:
            return _unauthorized(start_response,
                                 'Invalid username or password')
        environ[USER_ENVIRON_KEY] = user
        return self.app(environ, start_response)

    def _authenticate(self, name, password):
        """The user's name when the password is right, else None."""
        users = self._user_file.users()
        hashed = users.get(name)
        if hashed is None:
            # NOTE: as slow as a wrong password, so that the time taken
            # does not tell which user names exist.
            for other in list(users.values())[:1]:
                bcrypt.checkpw(password, other)
            LOG.info('API request with credentials of an unknown user')
            return None
        digest = hmac.new(self._digest_key, password,
                          hashlib.sha256).digest()
        verified_hash, verified_digest = self._verified.get(name, (None, b''))
        if verified_hash == hashed and hmac.compare_digest(verified_digest,
                                                           digest):
            return name
        if not bcrypt.checkpw(password, hashed):
            LOG.info('API request with a wrong password for user %s', name)
            return None
        self._verified[name] = (hashed, digest)
        return name


def keystone_auth_token(app, conf):
    """keystonemiddleware's auth_token around ``app``, configured by
    ``[keystone_authtoken]`` of ``conf``.

    It lets every request through, with the caller's identity in its
    headers (``X-Identity-Status: Confirmed`` for a valid token), so that
    the public routes need no token; the policy refuses the others
    without one, and auth_token adds its ``WWW-Authenticate`` header to
    that 401.
    """
    return auth_token.AuthProtocol(app, {'oslo_config_config': conf,
                                         'delay_auth_decision': True})


def _credentials(header):
    """``(name, password bytes)`` of a basic Authorization header, or None
    when there is none or it is malformed."""
    if not header:
        return None
    scheme, _, encoded = header.partition(' ')
    if scheme.lower() != 'basic':
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
        name, separator, password = decoded.partition(b':')
        name = name.decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not separator:
        return None
    return name, password


def _unauthorized(start_response, message):
    return _error(start_response, '401 Unauthorized', message,
                  [('WWW-Authenticate', 'Basic realm="%s"' % _REALM)])


def _error(start_response, status, message, headers=()):
    body = errors.error_document(message)
    start_response(status, [('Content-Type', 'application/json'),
                            ('Content-Length', str(len(body)))]
                   + list(headers))
    return [body]
