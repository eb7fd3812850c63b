#pragma once
// After the loan (贷后): graduation confirmations due (borrowers whose programme ends this year or
// earlier and who have not confirmed), repayments due this year in the 1 Nov - 20 Dec window
// (grace years pay interest, repaying years principal and interest), and requests for principal
// deferral and repayment relief. The March reminder month (温馨提示月) list joins the first two,
// with phone numbers for calls or SMS, and is exported to CSV or XLSX on the worker with its
// progress shown. Volunteers see the lists without phone numbers and cannot export.
#include "context.hpp"

#include "client/reports/writers.hpp"

#include <atomic>
#include <memory>

namespace zhuxue::ui {

class PostLoanScreen {
public:
    enum class Due { Graduation, Repayment, Deferral, Relief };
    struct Item {
        Due due = Due::Graduation;
        Uuid studentId;
        std::string name, phone, township, village, school, detail;
        Fen amountFen = 0;
        LoanStatus status = LoanStatus::InStudy;
    };

    void draw(Context& ctx);
    bool loading() const { return m_loading; }
    bool exporting() const { return m_exporting; }
    const std::string& exportedTo() const { return m_exportedTo; }

private:
    void reload(Context& ctx);
    void startExport(Context& ctx);
    void list(Context& ctx, Due due, const char* titleKey, const char* id);

    bool m_loading = false;
    uint64_t m_loadedVersion = ~uint64_t{0};
    std::vector<Item> m_items;
    std::string m_error;
    // Export.
    int m_format = 1; // 0 CSV, 1 XLSX
    std::string m_path, m_status, m_exportedTo;
    bool m_exporting = false;
    std::shared_ptr<std::atomic<int>> m_done = std::make_shared<std::atomic<int>>(0);
    int m_total = 0;
};

} // namespace zhuxue::ui
