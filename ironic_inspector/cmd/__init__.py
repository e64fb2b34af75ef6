import warnings

# NOTE: oslo.messaging imports oslo.service, whose eventlet backend warns
# as it is imported; an operator running these commands can do nothing
# about it, and the warning would bury the commands' own output.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
