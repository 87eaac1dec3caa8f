"""`jixiao unlock USER`: the accounts an administrator looks after from the command line."""

from __future__ import annotations

import sys

from jixiao import bootstrap


def cmd_unlock(args) -> int:
    bootstrap.setup_django()
    from django.utils import timezone

    from jixiao.accounts.services import AccountError, user_unlock

    try:
        cleared = user_unlock(actor=None, username=args.username)
    except AccountError as exc:
        print(f"未解锁：{exc}", file=sys.stderr)
        return 2
    if not cleared:
        print(f"用户“{args.username}”没有输错密码的记录，无需解锁（已记入变更记录）")
        return 0
    print(f"已解除用户“{args.username}”的登录锁定，清除输错密码记录共 {len(cleared)} 个地址（已记入变更记录）：")
    for item in cleared:
        state = "，已锁定" if item.locked else ""
        when = timezone.localtime(item.last_attempt).strftime("%Y-%m-%d %H:%M")
        print(f"  - {item.address}（输错 {item.failures} 次{state}）最近一次 {when}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("unlock", help="解除账号的登录锁定（清除该用户在所有地址上的输错密码记录，并记入变更记录）")
    p.add_argument("username", help="用户名")
    p.set_defaults(func=cmd_unlock)
