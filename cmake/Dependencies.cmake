# Every dependency comes from Debian's packages (scripts/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(simdjson REQUIRED)
add_library(rtc::simdjson INTERFACE IMPORTED)
target_link_libraries(rtc::simdjson INTERFACE simdjson::simdjson)

if(RTCRYPTO_BUILD_TESTS)
  find_package(GTest REQUIRED)
  # Where the tests find ../shared/data; tests that need it skip when it is absent.
  get_filename_component(_shared "${PROJECT_SOURCE_DIR}/../shared/data" ABSOLUTE)
  set(RTC_SHARED_DATA "${_shared}" CACHE PATH "Recorded data shared beside the project")
  add_library(rtc_test_support INTERFACE)
  target_include_directories(rtc_test_support INTERFACE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(rtc_test_support INTERFACE RTC_SHARED_DATA_DEFAULT="${RTC_SHARED_DATA}")
endif()
