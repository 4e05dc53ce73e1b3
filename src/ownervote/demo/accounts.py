"""The demo's staff accounts (every password is ``roster.demo.DEMO_PASSWORD``), as ``seed_demo`` and
the ``/demo/`` page list them."""

from __future__ import annotations

from ownervote.roster import demo

# username, real name, mobile, role, what they can do
ACCOUNTS = [
    (
        "city",
        "陈建国",
        "13802550101",
        "city operator 市住房和建设局",
        "approves district bureaus; keeps the holiday calendar; sees every district, street and estate",
    ),
    (
        "futian",
        "李明华",
        "13802550102",
        "district bureau 福田区住房和建设局",
        "approves street offices of Futian (香蜜湖's application waits on its home), and a street "
        "office's application to convene an estate; then supervises that estate's meetings; sees "
        "Futian's estates and the complaints' figures",
    ),
    (
        "shatou",
        "王丽娟",
        "13802550103",
        "street office 沙头街道办事处",
        "approves conveners (2 applications wait); its home lists what waits for it: guidance on the "
        "meeting entered yesterday, the convener's extension request, an owner's complaint; may apply "
        "to convene 沙嘴福苑, which has no convener",
    ),
    (
        "community",
        "张志强",
        "13802550104",
        "community committee 沙嘴社区居民委员会",
        "is invited to every meeting of 深圳湾畔花园; sees the estates of Shazui community; "
        "may apply to convene 沙嘴福苑 instead of the street office",
    ),
    (
        "convener",
        "刘海燕",
        "13802550105",
        "owners' committee 深圳湾畔花园业主委员会 (approved)",
        "keeps the roster (622 parts); runs the demo meetings: progress, paper count, result; its home "
        "lists the meeting entered yesterday to publicise once guided",
    ),
    (
        "applicant",
        "黄志伟",
        "13802550106",
        f"preparatory group of {demo.SECOND_ESTATE_NAME} (pending)",
        "waits for Shatou street office to approve its application; sees nothing yet",
    ),
    (
        "company",
        "周晓梅",
        "13802550107",
        f"organisation owner {demo.COMPANY_NAME} (pending)",
        "owns 5 shops in 深圳湾畔花园; has authorised one staff member to vote for it (R-ORG-2)",
    ),
    (
        "xiangmihu",
        "吴国栋",
        "13802550108",
        "street office 香蜜湖街道办事处 (pending)",
        "waits for Futian district bureau to approve its application; sees nothing yet",
    ),
]
