#pragma once
// A staff account as zhuxue-server makes it for `account add` (sync/server/account_store.cpp):
// Argon2id hash, X25519 key pair, the private key locked by the password with the shared
// password box. For device tests that give Accounts::applyServerAccounts a list without a server.
#include "client/store/accounts.hpp"
#include "client/store/crypto/password_box.hpp"

#include <doctest/doctest.h>
#include <sodium.h>

#include <optional>
#include <string>

namespace zhuxue::test {

inline store::ServerAccount makeServerAccount(const std::string& user, const std::string& password,
                                              store::Role role = store::Role::Staff) {
    REQUIRE(sodium_init() >= 0);
    store::ServerAccount a;
    a.user = user;
    a.displayName = user;
    a.role = role;
    a.counties = {"420527"};
    char hash[crypto_pwhash_STRBYTES];
    REQUIRE(crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
    a.pwHash = hash;
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(pk, sk);
    a.publicKey = store::crypto::toBase64(pk, sizeof pk);
    auto box = store::crypto::passwordSeal(sk, password, "zhuxue account key");
    sodium_memzero(sk, sizeof sk);
    REQUIRE(box.ok());
    a.secretBox = *box;
    return a;
}

// The device's account of that name, if the device has one.
inline std::optional<store::Account> findAccount(store::Accounts& accounts, const std::string& user) {
    auto list = accounts.list();
    REQUIRE(list.ok());
    for (auto& a : *list)
        if (a.user == user)
            return a;
    return std::nullopt;
}

} // namespace zhuxue::test
