# Importing schools' lists: CSV and XLSX readers and the pre-application import, part of
# zhuxue_store (included from client/store/CMakeLists.txt). XLSX is read with Debian's minizip
# and expat; text encodings are converted with glibc's iconv.
pkg_check_modules(ZHUXUE_MINIZIP REQUIRED IMPORTED_TARGET minizip)
find_package(EXPAT REQUIRED)

target_sources(zhuxue_store PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/import/columns.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/import/csv_reader.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/import/encoding.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/import/import_run.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/import/pre_application.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/import/sheet.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/import/spreadsheet.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/import/xlsx_reader.cpp)
target_link_libraries(zhuxue_store PRIVATE PkgConfig::ZHUXUE_MINIZIP EXPAT::EXPAT)
