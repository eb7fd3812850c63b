# Chinese text tools, part of zhuxue_core (included from client/core/CMakeLists.txt so the
# generated table's custom command lives in the same directory as the target that uses it).
# The pinyin table is generated at build time from Debian's unicode-data Unihan readings with
# Debian's /usr/bin/python3 (not a pyenv python3 on PATH); nothing is copied into the repository.
find_program(ZHUXUE_SYSTEM_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
find_file(ZHUXUE_UNIHAN_READINGS NAMES Unihan_Readings.txt.bz2 Unihan_Readings.txt
          PATHS /usr/share/unicode NO_DEFAULT_PATH REQUIRED
          DOC "Unihan_Readings from Debian's unicode-data package")

set(ZHUXUE_PINYIN_TABLE ${CMAKE_CURRENT_BINARY_DIR}/generated/client/core/text/pinyin_table.cpp)
add_custom_command(
    OUTPUT ${ZHUXUE_PINYIN_TABLE}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/generated/client/core/text
    COMMAND ${ZHUXUE_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/tools/gen_pinyin_table.py
            ${ZHUXUE_UNIHAN_READINGS} ${ZHUXUE_PINYIN_TABLE}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tools/gen_pinyin_table.py ${ZHUXUE_UNIHAN_READINGS}
    COMMENT "Generating the pinyin table from Unihan"
    VERBATIM)

target_sources(zhuxue_core PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/text/file_name.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/text/line_break.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/text/pinyin.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/text/utf8.cpp
    ${ZHUXUE_PINYIN_TABLE})
