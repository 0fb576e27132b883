/*
 * suites.h: every Check suite the runner runs, one X(name) each; the
 * suite is made by name_suite() in tests/check_name.c.
 */
X(util)
X(router)
X(cert)
X(station)
X(proto)
X(sim)
X(rate)
X(alert)
X(rules)
X(fleet)
X(e2e)
X(panels)
X(server)
X(screen)
X(opkey)
X(killswitch)
X(command)
X(audit)
X(commands)
X(proposals)
