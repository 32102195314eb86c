# The Debian package for operators (`cpack -G DEB` in the build folder, or
# ./scripts/package): the server and CLI, the plugin host, the first-party
# plugins, a systemd unit running as its own user, the example configuration,
# and the operator docs. Only the "server" component goes in (the SDK's headers
# and libraries are for plugin vendors and stay out). docs/operations.md,
# "Running as a service", describes what it installs and how to start.
include(GNUInstallDirs)

install(FILES ${PROJECT_SOURCE_DIR}/packaging/sagsflow.service DESTINATION lib/systemd/system COMPONENT server EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/server.properties DESTINATION /etc/sagsflow COMPONENT server EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/sagsflow.default DESTINATION /etc/default RENAME sagsflow
        COMPONENT server EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md ${PROJECT_SOURCE_DIR}/docs/api.md
              ${PROJECT_SOURCE_DIR}/docs/municipality.md ${PROJECT_SOURCE_DIR}/docs/workflows.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/sagsflow COMPONENT server EXCLUDE_FROM_ALL)
# The example municipality files name their workflows as ../../workflows/<id>.yaml: the same layout.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/municipalities/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/sagsflow/examples/municipalities COMPONENT server EXCLUDE_FROM_ALL)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/workflows/ DESTINATION ${CMAKE_INSTALL_DATADIR}/sagsflow/workflows
        COMPONENT server EXCLUDE_FROM_ALL FILES_MATCHING PATTERN "*.yaml")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sagsflow)
set(CPACK_PACKAGE_VENDOR "Sagsflow")
set(CPACK_PACKAGE_CONTACT "Sagsflow maintainers <sagsflow@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL server)
set(CPACK_DEBIAN_PACKAGE_NAME sagsflow)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the library packages the binaries link against (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, systemd | systemd-standalone-sysusers, fonts-dejavu-core, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "sqlite3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# packaging/debian/conffiles: the configuration files are the operator's, an upgrade keeps their edits.
include(CPack)
