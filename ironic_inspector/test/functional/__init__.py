from oslo_db.sqlalchemy import test_fixtures

# Groups the tests that share a database so that it is built once.
load_tests = test_fixtures.optimize_package_test_loader(__file__)
