"""Plan import (方案导入): a parsed plan document becomes a Plan with its section tree, tasks, unit
assignments, targets and reporting periods.

The flow, shared by the browser and `kesu plans import`:

1. `reading.parse_plan_upload` / `reading.parse_plan_path` read and parse the document (nothing is
   written);
2. `drafts.start_draft` builds an `ImportDraft` (models.py): the plan as JSON (`ParsedPlan.to_dict()`),
   a unit mapping pre-filled by `UnitMatcher`, and the current plan it revises, if any. The web
   stores it for the region (`services.start_import`), listed as 未完成的导入 until confirmed,
   discarded or expired (KESU_IMPORT_DRAFT_DAYS); the CLI and the demo confirm it unsaved;
3. the office corrects the draft (`drafts.draft_set_mapping`, `draft_edit_task`, `draft_add_task`,
   `draft_delete_task`, `draft_edit_target`, `draft_add_target`, `draft_set_target_kind`, and the
   metadata through `services.edit_metadata` / `metadata.draft_edit_metadata`, each applied under a
   row lock by `services.edit_draft`) and looks at `selectors.draft_preview` /
   `diff.diff_against_previous`; a draft that repeats the plan it revises cannot be confirmed.
   The preview opens with 请先核对 (`review`): the parser's doubtful items and the units matched by
   a close spelling only, least sure first, each ticked as 已核对 or corrected. A workbook (.xlsx)
   is kept with its draft, so that a corrected column mapping re-reads it (`services.remap_workbook`;
   corrected metadata and target-kind corrections of targets still read the same are kept);
4. `services.confirm_import` writes everything in one transaction, with the importing user as actor,
   and closes the stored draft in the same transaction.

Revisions: a plan of the same region with the same title or 文号 (or one chosen explicitly) is
the previous version. Confirming creates a new Plan (`version + 1`, `previous_version` set, old one
`is_current=False`). Each new task matched to an old one (by code, then by title similarity) gets
`predecessor` set. Progress reports are NOT moved: a report belongs to a reporting period of the
plan version it was made under, and moving it would attach it to a period of another plan. History
stays reachable through the predecessor chain (`kesu.planning.selectors.task_lineage`). The new
version's reporting periods start after the last period the previous version holds reports for.
"""
