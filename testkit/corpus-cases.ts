import type { DjangoVersion } from "./python.js";

export type CorpusVendor = "postgresql" | "sqlite";

/** Where a case holds: only on one database, or only from the Django version that has the feature. */
export interface CaseScope {
  vendor?: CorpusVendor;
  django?: "5.2";
}

/** [migration and operation path, Django operation, verdict, words the reason must contain, scope] */
export type CorpusCase = [string, string, string, string, CaseScope?];

const PG: CaseScope = { vendor: "postgresql" };
const SQLITE: CaseScope = { vendor: "sqlite" };
const DJANGO_52: CaseScope = { django: "5.2" };

export const CASES: CorpusCase[] = [
  ["fieldops.0002_add_nullable 0", "AddField", "expand", "Adds nullable column fieldops_item.description"],
  [
    "fieldops.0003_add_not_null 0",
    "AddField",
    "unsafe",
    "Adds NOT NULL column fieldops_item.stock without a database default",
  ],
  [
    "fieldops.0004_add_default 0",
    "AddField",
    "unsafe",
    "Its default= only fills the existing rows: Django removes it from the column right after",
  ],
  [
    "fieldops.0005_add_boolean_default 0",
    "AddField",
    "unsafe",
    "Adds NOT NULL column fieldops_item.is_visible without a database default",
  ],
  ["fieldops.0006_drop_not_null 0", "AlterField", "expand", "fieldops_item.code: drops NOT NULL"],
  ["fieldops.0007_widen 0", "AlterField", "expand", "widens varchar(50) to varchar(200)"],
  ["fieldops.0008_set_not_null 0", "AlterField", "contract", "fieldops_item.note: adds NOT NULL"],
  [
    "fieldops.0009_change_type 0",
    "AlterField",
    "unsafe",
    "changes the column type from integer to varchar(20)",
  ],
  ["fieldops.0010_help_text 0", "AlterField", "neutral", "Emits no SQL on"],
  [
    "fieldops.0011_remove_nullable 0",
    "RemoveField",
    "contract",
    "Drops column fieldops_item.legacy_nullable",
  ],
  [
    "fieldops.0012_remove_not_null 0",
    "RemoveField",
    "unsafe",
    "Drops NOT NULL column fieldops_item.legacy_required without a database default",
  ],
  ["fieldops.0013_rename_field 0", "RenameField", "unsafe", 'Renames column "old_name" to "new_name"'],
  [
    "fieldops.0014_add_many_to_many 0",
    "AddField",
    "expand",
    'Creates the join table of many-to-many field "related"',
  ],
  ["fieldops.0015_add_foreign_key 0", "AddField", "expand", "Adds nullable column fieldops_item.parent_id"],
  [
    "fieldops.0016_remove_many_to_many 0",
    "RemoveField",
    "contract",
    'Drops the join table of many-to-many field "related"',
  ],
  ["schemaops.0002_create_model 0", "CreateModel", "expand", "Creates table schemaops_review"],
  ["schemaops.0003_add_index 0", "AddIndex", "expand", "Adds index book_title_idx on schemaops_book"],
  [
    "schemaops.0004_add_index_concurrently 0",
    "AddIndexConcurrently",
    "expand",
    "Builds index book_isbn_idx on schemaops_book concurrently",
  ],
  [
    "schemaops.0005_add_constraint 0",
    "AddConstraint",
    "expand",
    "Adds constraint book_year_recent on schemaops_book",
  ],
  ["schemaops.0006_remove_index 0", "RemoveIndex", "contract", "Drops index book_year_idx on schemaops_book"],
  [
    "schemaops.0007_remove_constraint 0",
    "RemoveConstraint",
    "contract",
    "Drops constraint book_year_positive on schemaops_book",
  ],
  [
    "schemaops.0008_unique_together_add 0",
    "AlterUniqueTogether",
    "expand",
    "Adds unique_together (title, year) on schemaops_book",
  ],
  [
    "schemaops.0009_unique_together_remove 0",
    "AlterUniqueTogether",
    "contract",
    "Drops unique_together (name, country) on schemaops_author",
  ],
  ["schemaops.0010_model_options 0", "AlterModelOptions", "neutral", "Emits no SQL on"],
  [
    "schemaops.0011_model_table 0",
    "AlterModelTable",
    "unsafe",
    "Renames table schemaops_author to schemaops_writer",
  ],
  [
    "schemaops.0012_rename_model 0",
    "RenameModel",
    "unsafe",
    "Renames table schemaops_review to schemaops_critique",
  ],
  ["schemaops.0013_delete_model 0", "DeleteModel", "contract", "Drops table schemaops_obsolete"],
  [
    "schemaops.0014_remove_index_concurrently 0",
    "RemoveIndexConcurrently",
    "contract",
    "Drops index book_title_idx on schemaops_book",
  ],
  [
    "schemaops.0015_index_together 0",
    "AlterIndexTogether",
    "expand",
    "Adds index_together (isbn, year) on schemaops_book",
  ],
  ["schemaops.0016_model_managers 0", "AlterModelManagers", "neutral", "Emits no SQL on"],
  [
    "schemaops.0017_extension 0",
    "CreateExtension",
    "expand",
    "CreateExtension only adds to the database",
    PG,
  ],
  ["schemaops.0017_extension 0", "CreateExtension", "neutral", "Emits no SQL on sqlite", SQLITE],
  [
    "schemaops.0018_collation 0",
    "CreateCollation",
    "expand",
    "CreateCollation only adds to the database",
    PG,
  ],
  ["schemaops.0018_collation 0", "CreateCollation", "neutral", "Emits no SQL on sqlite", SQLITE],
  ["schemaops.0019_custom_operation 0", "SetFillFactor", "unsafe", "phasegate has no rule for SetFillFactor"],
  [
    "schemaops.0020_order_with_respect_to 0",
    "AlterOrderWithRespectTo",
    "unsafe",
    'Adds the NOT NULL "_order" column of schemaops_chapter without a database default',
  ],
  [
    "schemaops.0021_remove_collation 0",
    "RemoveCollation",
    "contract",
    "Remove collation case_insensitive: columns or queries of old code may still use the collation",
    PG,
  ],
  ["schemaops.0021_remove_collation 0", "RemoveCollation", "neutral", "Emits no SQL on sqlite", SQLITE],
  ["codeops.0002_code 0", "RunSQL", "unsafe", "phasegate cannot tell what RunSQL does"],
  ["codeops.0002_code 1", "RunSQL", "expand", 'Annotated hints={"phase": "expand"}'],
  ["codeops.0002_code 2", "RunPython", "unsafe", "phasegate cannot tell what RunPython does"],
  ["codeops.0002_code 3", "RunPython", "contract", 'Annotated hints={"phase": "contract"}'],
  ["codeops.0003_separate 0.db.0", "RunSQL", "expand", 'Annotated hints={"phase": "expand"}'],
  [
    "codeops.0003_separate 0.db.1",
    "RemoveField",
    "unsafe",
    "Drops NOT NULL column codeops_entry.label without a database default",
  ],
  ["codeops.0003_separate 1", "SeparateDatabaseAndState", "neutral", "without database operations"],
  [
    "overrides.0002_phase 0",
    "RemoveField",
    "contract",
    'The migration\'s override (phase = "contract") puts it in the contract phase. Without it: unsafe',
  ],
  [
    "overrides.0003_stage 0",
    "AddField",
    "expand",
    "The migration's override (Stage.PRE_DEPLOY) puts it in the expand phase. Without it: unsafe",
  ],
  [
    "overrides.0004_safe 0",
    "AlterField",
    "contract",
    "The migration's override (Safe.after_deploy()) puts it in the contract phase. Without it: unsafe",
  ],
  [
    "overrides.0005_safe_always 0",
    "AddField",
    "expand",
    "The migration's override (Safe.always()) puts it in the expand phase",
  ],
  ["squashed.0001_squashed_0002_tag_name 0", "CreateModel", "expand", "Creates table squashed_tag"],
  [
    "thirdparty.0002_add_default_value 0",
    "AddField",
    "expand",
    "Adds column thirdparty_widget.size with a database default that fills old code's INSERTs. Judged with the column as the whole migration leaves it",
  ],
  [
    "thirdparty.0002_add_default_value 1",
    "AddDefaultValue",
    "expand",
    "Sets a database default on thirdparty_widget.size (django-add-default-value)",
  ],
  [
    "thirdparty.0003_ignored 0",
    "IgnoreMigration",
    "neutral",
    "IgnoreMigration is django-migration-linter's marker",
  ],
  ["thirdparty.0003_ignored 1", "AddField", "expand", "Adds nullable column thirdparty_widget.colour"],
  [
    "thirdparty.0004_index_and_check 0",
    "AddIndex",
    "expand",
    "Adds index widget_name_idx on thirdparty_widget",
  ],
  [
    "thirdparty.0004_index_and_check 1",
    "AddConstraint",
    "expand",
    "Adds constraint widget_size_gte_0 on thirdparty_widget",
  ],
  [
    "modernops.0002_db_default 0",
    "AddField",
    "expand",
    "Adds column modernops_gadget.stock with a database default that fills old code's INSERTs",
    DJANGO_52,
  ],
  [
    "modernops.0003_db_default_none 0",
    "AddField",
    "unsafe",
    "Adds NOT NULL column modernops_gadget.weight with db_default=None: the database default is NULL",
    DJANGO_52,
  ],
  [
    "modernops.0004_generated_stored 0",
    "AddField",
    "expand",
    "Adds stored generated column modernops_gadget.double_price (F(price) * Value(2)): the database computes it",
    DJANGO_52,
  ],
  [
    "modernops.0005_generated_virtual 0",
    "AddField",
    "unsafe",
    "Django rejects AddField on postgresql, so applying it fails: fields.E221: PostgreSQL does not support non-persisted GeneratedFields.",
    { ...DJANGO_52, ...PG },
  ],
  [
    "modernops.0005_generated_virtual 0",
    "AddField",
    "expand",
    "Adds virtual generated column modernops_gadget.half_price",
    { ...DJANGO_52, ...SQLITE },
  ],
  [
    "modernops.0006_db_comment 0",
    "AlterField",
    "expand",
    "Alters modernops_gadget.name: changes the column comment",
    DJANGO_52,
  ],
  [
    "modernops.0007_table_comment 0",
    "AlterModelTableComment",
    "expand",
    "Changes the comment of table modernops_gadget",
    { ...DJANGO_52, ...PG },
  ],
  [
    "modernops.0007_table_comment 0",
    "AlterModelTableComment",
    "neutral",
    "Emits no SQL on sqlite",
    { ...DJANGO_52, ...SQLITE },
  ],
  [
    "modernops.0008_rename_index 0",
    "RenameIndex",
    "expand",
    "Renames index gadget_name_idx to gadget_title_idx on modernops_gadget",
    DJANGO_52,
  ],
  [
    "modernops.0009_check_with_code 0",
    "AddConstraint",
    "expand",
    "Adds constraint gadget_price_gte_0 on modernops_gadget",
    DJANGO_52,
  ],
  ["modernops.0010_alter_constraint 0", "AlterConstraint", "neutral", "Emits no SQL on", DJANGO_52],
  [
    "modernops.0011_covering_index 0",
    "AddIndex",
    "expand",
    "Adds index gadget_code_cov_idx on modernops_gadget",
    DJANGO_52,
  ],
  ["modernops.0012_composite_pk 0", "CreateModel", "expand", "Creates table modernops_gadgetpart", DJANGO_52],
  [
    "modernops.0013_add_then_default 0",
    "AddField",
    "expand",
    "Judged with the column as the whole migration leaves it: it runs in one transaction",
    DJANGO_52,
  ],
  [
    "modernops.0013_add_then_default 1",
    "AlterField",
    "expand",
    "Alters modernops_gadget.rank: adds a database default",
    DJANGO_52,
  ],
  [
    "modernops.0014_remove_generated 0",
    "RemoveField",
    "contract",
    "Drops column modernops_gadget.double_price; old code still reads it, so it waits for the rollout (it is generated",
    DJANGO_52,
  ],
  [
    "modernops.0016_rename_unnamed_index 0",
    "RenameIndex",
    "expand",
    "Renames index <unnamed on (code, price)> to gadget_code_price_idx on modernops_gadget",
    DJANGO_52,
  ],
  [
    "modernops.0015_unique_nulls_not_distinct 0",
    "AddConstraint",
    "expand",
    "Adds constraint gadget_code_unique on modernops_gadget",
    DJANGO_52,
  ],
];

/** The cases that hold for this Django version on this database. */
export function casesFor(version: DjangoVersion, vendor: CorpusVendor): CorpusCase[] {
  return CASES.filter(([, , , , scope]) => {
    if (scope?.vendor && scope.vendor !== vendor) return false;
    return !(scope?.django && version !== scope.django);
  });
}
