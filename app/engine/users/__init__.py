"""The desk's people: accounts and roles (a projection of the log), password hashes (kept beside it), log-in.

``passwords`` hashes and checks passwords; ``book`` is the users projection, the engine's real user
directory; ``admin`` carries out the commands that create and change accounts and log people in;
``demo`` prepares the demo profile's users.
"""
