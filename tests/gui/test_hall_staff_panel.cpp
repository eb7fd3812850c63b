// Staff "call next" in the staff client's home screen against a real zhuxue-server: choose the
// window, call, call again, skip, transfer; appointments booked at the kiosk in today's list.
#include "kiosk_fixture.hpp"
#include "staff_fixture.hpp"

#include "client/ui/hall/queue_client.hpp"

using namespace zhuxue;
using namespace zhuxue::test;

TEST_CASE("call next, recall, skip and transfer from the staff home screen") {
    StaffFixture f;
    TempDir serverDir;
    ServerProcess server(serverDir / "server");
    linkDevice(server, f.dir.path(), 20);
    ui::hall::QueueClient kiosk(linkDevice(server, serverDir / "kiosk", 21));
    for (const char* s : {"first_loan", "first_loan", "renewal"})
        REQUIRE(kiosk.issue("", s, "").ok());
    // A family booked today at the kiosk (水田坝乡 is served Monday to Saturday).
    auto slots = kiosk.slots("420527200");
    REQUIRE(slots.ok());
    REQUIRE(!slots->empty());
    auto booked = kiosk.book("", "first_loan", "420527200", (*slots)[0].day, "08:30");
    REQUIRE(booked.ok());

    f.addAccount("li", store::Role::Admin);
    f.signIn("li");
    REQUIRE(f.d->frameUntil([&] { return f.d->exists("##queue"); }));
    REQUIRE(f.d->click("##queue"));
    REQUIRE(f.d->frameUntil([&] { return f.d->exists("##queue.next"); }));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("A001  A002  B001"); }));

    REQUIRE(f.d->click("##queue.next"));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("当前：A001（首次贷款）"); }));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("A002"); }));
    REQUIRE(f.d->click("##queue.recall"));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("第 2 次叫号"); }));
    auto calls = kiosk.calls();
    REQUIRE(calls.ok());
    REQUIRE(calls->calls.size() == 1);
    CHECK(calls->calls[0].calls == 2);

    // Transfer A001 to window 2 (the first other window); it waits first in line there.
    REQUIRE(f.d->click("##queue.transfer"));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("当前没有在办的号"); }));
    auto at2 = kiosk.act(2, "next");
    REQUIRE(at2.ok());
    REQUIRE(at2->has_value());
    CHECK((*at2)->code == "A001");

    REQUIRE(f.d->click("##queue.next"));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("当前：A002（首次贷款）"); }));
    REQUIRE(f.d->click("##queue.skip"));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("当前没有在办的号"); }));
    REQUIRE(f.d->click("##queue.next"));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("没有等候的号了"); }));

    // Today's appointments, when the first bookable day is today.
    if ((*slots)[0].day == booked->day && booked->day == (*kiosk.tickets())[0].day)
        CHECK(f.d->frameUntil([&] { return f.d->sawText("08:30  Y001  首次贷款  水田坝乡"); }));

    // The hall server goes away: the panel says so once, with what to do (issue #21 point 7:
    // it read "连不上大厅服务器：连不上大厅服务器").
    server.stop();
    REQUIRE(f.d->click("##queue.next"));
    REQUIRE_MESSAGE(f.d->frameUntil([&] { return f.d->sawText("连不上大厅服务器：请检查网络，连上后点“刷新”。"); }),
                    f.shown());
    CHECK_FALSE(f.d->sawText("连不上大厅服务器：连不上大厅服务器"));
}

TEST_CASE("a laptop linked while the client runs starts calling numbers without a restart") {
    StaffFixture f;
    TempDir serverDir;
    ServerProcess server(serverDir / "server");
    f.addAccount("li", store::Role::Admin);
    f.signIn("li");
    REQUIRE(f.d->frameUntil([&] { return f.d->exists("##queue"); }));
    REQUIRE(f.d->click("##queue"));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("这台电脑还没有连接大厅服务器"); }));
    CHECK(!f.d->exists("##queue.next"));

    // Linked now (the hall link file, as zhuxue-cli writes it); the panel looks again by itself.
    ui::hall::QueueClient kiosk(linkDevice(server, serverDir / "kiosk", 21));
    REQUIRE(kiosk.issue("", "first_loan", "").ok());
    linkDevice(server, f.dir.path(), 20);
    REQUIRE(f.d->frameUntil([&] { return f.d->exists("##queue.next"); }, std::chrono::seconds(15)));
    REQUIRE(f.d->frameUntil([&] { return f.d->sawText("A001"); }));
}
