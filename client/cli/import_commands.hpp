#pragma once
// zhuxue-cli import FILE and zhuxue-cli gen-demo: schools' pre-application lists and the demo
// county. They take their own options, so main() offers the command line to them first.
#include <optional>

namespace zhuxue::cli {

constexpr const char* kImportUsage =
    "  import FILE [--skip-bad-rows] [--dry-run] [--county CODE] [--school-year YEAR] [--sheet "
    "NAME]\n"
    "                       导入学校的预申请名单（CSV 或 XLSX），逐行检查，有错误的行按行列报告；\n"
    "                       有错误时不导入任何数据，除非加 --skip-bad-rows；--dry-run "
    "只检查不写入\n"
    "                       import a school's pre-application list (CSV or XLSX): every row "
    "checked,\n"
    "                       errors by row and column; nothing imported while any row is rejected\n"
    "                       unless --skip-bad-rows; --dry-run checks without writing\n"
    "  gen-demo [--students N] [--county 420527] [--seed S] [--as-of YYYY-MM-DD]\n"
    "                       "
    "生成演示县（演示数据，乡镇村为虚构）：真实的县级代码和名称，虚构的乡镇和村，\n"
    "                       "
    "学生、家庭、共同借款人、各状态的贷款申请、困难认定和家访；同一种子结果相同\n"
    "                       generate a demo county (demo data; townships and villages are "
    "invented):\n"
    "                       real county codes, families, applications in every state, "
    "assessments,\n"
    "                       home visits; the same seed gives the same county\n"
    "  (--lang zh-CN|en    报告语言 language of the report; 默认 default: zh-CN)\n";

// Runs `import` or `gen-demo` when argv names one of them; nullopt otherwise (main goes on).
// Returns the exit code: 0 done, 1 rows rejected or a file/store error, 2 wrong usage.
std::optional<int> runImportCommand(int argc, char** argv);

} // namespace zhuxue::cli
