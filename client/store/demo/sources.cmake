# The demo county generator (zhuxue-cli gen-demo), part of zhuxue_store (included from
# client/store/CMakeLists.txt).
target_sources(zhuxue_store PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/demo/demo_county.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/demo/demo_data.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/demo/demo_store.cpp)
