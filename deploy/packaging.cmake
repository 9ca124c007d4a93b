# Installation layout and the Debian package (CPack):
#   cmake --build build && cpack --config build/CPackConfig.cmake -B build/package
# gives build/package/synwatch_<version>_<arch>.deb: the binaries, the default
# configuration (kernel-socket input, valid on any box) and the rule packs under
# /etc/synwatch (conffiles), the systemd unit, the DPDK setup helper, the example
# configurations, Prometheus rules, the Grafana dashboard and the operator guide.
include(GNUInstallDirs)

install(TARGETS synwatchd synwatch-replay synwatchctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/deploy/synwatch-setup DESTINATION ${CMAKE_INSTALL_SBINDIR})

install(FILES ${PROJECT_SOURCE_DIR}/deploy/examples/kernel-udp.yaml
        DESTINATION /etc/synwatch RENAME synwatch.yaml)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/signatures/default.yaml
              ${PROJECT_SOURCE_DIR}/deploy/signatures/interface-roles.yaml
        DESTINATION /etc/synwatch/signatures)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/logrotate/synwatch DESTINATION /etc/logrotate.d)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/synwatchd.service DESTINATION /lib/systemd/system)
# Where the shipped configuration writes (systemd would create them; a run by hand needs them).
install(DIRECTORY DESTINATION /var/lib/synwatch)
install(DIRECTORY DESTINATION /var/log/synwatch)

set(SYNWATCH_DOC ${CMAKE_INSTALL_DATAROOTDIR}/doc/synwatch)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/deploy/synwatch.example.yaml
        DESTINATION ${SYNWATCH_DOC})
# docs/ keeps its name, so the README's links to docs/*.md hold in the installed copy.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${SYNWATCH_DOC}/docs FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/examples/ DESTINATION ${SYNWATCH_DOC}/examples)
# The operator guide's first replay: real softflowd exports of a network under attack.
install(FILES ${PROJECT_SOURCE_DIR}/tests/captures/attacks/exports-softflowd-v9.pcap
        DESTINATION ${SYNWATCH_DOC}/examples RENAME attacks-softflowd-v9.pcap)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/prometheus/ DESTINATION ${SYNWATCH_DOC}/prometheus)

set(CPACK_PACKAGE_NAME synwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "synwatch")
set(CPACK_PACKAGE_CONTACT "synwatch maintainers <synwatch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Flow-export collector that finds failed TCP sessions and the attacks behind them")
set(CPACK_PACKAGE_DESCRIPTION
    "synwatch receives NetFlow v5/v9, IPFIX and sFlow v5 on DPDK poll-mode cores or kernel sockets, joins the records into TCP sessions, classifies each handshake and detects scans, SYN floods, backscatter and brute force. It exports Prometheus metrics and serves a gRPC API (synwatchctl).")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)  # the build keeps its debug information; the package does not
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries (dpkg-shlibdeps); DPDK's own tools for the setup
# helper; logrotate for the output files.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "dpdk, python3, logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
