package playgrounds.catalog.jvm;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.QueryContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTablePartition;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.DropTable;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.execution.command.AlterTableAddPartitionCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableCommand;
import org.apache.spark.sql.execution.command.CreateTableCommand;
import org.apache.spark.sql.execution.command.DropTableCommand;
import org.apache.spark.sql.execution.command.RepairTableCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import org.apache.spark.sql.hive.execution.CreateHiveTableAsSelectCommand;
import org.apache.spark.sql.hive.execution.InsertIntoHiveTable;
import scala.Function1;
import scala.Option;
import scala.Some;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The statements `playgrounds catalog serve` runs for its clients: Athena's set with the lake's
 * rules, checked in the JVM because statements that arrive over Thrift never pass through Python.
 * It makes the decisions of playgrounds/sql/policy.py (the `playgrounds sql` policy) on Spark's
 * analyzed plans, and refuses with the same sentences: "KIND is not allowed: why".
 *
 * <p>A check rule (SparkSessionExtensions.injectCheckRule) sees every analyzed plan before it
 * runs. Allowed: queries, SHOW, DESCRIBE, EXPLAIN, USE, SET that only reads, CREATE [EXTERNAL]
 * TABLE ... LOCATION in the raw or processed zone, CREATE TABLE AS SELECT into a new folder of
 * the processed zone or the results location, INSERT INTO (appending) a table of the processed
 * zone, MSCK REPAIR TABLE (adding partitions), ALTER TABLE ADD PARTITION [LOCATION in a zone] and
 * DROP TABLE of an external table (catalog only, as in Athena). Every other command is refused,
 * and so are TRANSFORM ... USING (runs a program) and reflect/java_method inside queries.
 *
 * <p>Locations are compared as canonical local paths (file: URIs decoded, `..` and symlinks
 * resolved), so neither a symlink nor `raw/../../etc` leads out of a zone.
 */
public final class StatementPolicy
    extends AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>> {

  static final String RUN_SQL_ON_FILES = "spark.sql.runSQLOnFiles";

  /**
   * Set by the check of a CTAS to its new folder, consumed by the check of the write the CTAS
   * runs next on the same thread (a write with Overwrite, or into the results location, which a
   * client's INSERT may not do).
   */
  private static final ThreadLocal<File> CTAS_FOLDER = new ThreadLocal<>();

  // The words of playgrounds/sql/policy.py's REFUSED, by StatementKind value; the served-policy
  // test compares them with the Python ones.
  private static final Map<String, String> REFUSED =
      Map.ofEntries(
          Map.entry(
              "INSERT OVERWRITE",
              "Athena appends with INSERT INTO; to replace a table's data, rerun the step that "
                  + "writes it (the raw zone is written only by `playgrounds ingest`)"),
          Map.entry(
              "INSERT OVERWRITE DIRECTORY",
              "write a result with --output FILE, or CREATE TABLE AS into a new location"),
          Map.entry(
              "LOAD DATA",
              "Athena has no LOAD DATA; land files with `playgrounds ingest`, then crawl them "
                  + "or run MSCK REPAIR TABLE"),
          Map.entry("ADD JAR", "Athena loads no code or files from a query"),
          Map.entry(
              "SET",
              "Athena has no session settings (give the database for unqualified names with "
                  + "--database)"),
          Map.entry(
              "DROP DATABASE",
              "the lake's databases belong to `playgrounds crawl`; drop one table at a time "
                  + "with DROP TABLE, which keeps its files"),
          Map.entry(
              "DROP TABLE PURGE",
              "DROP TABLE removes the catalog entry only, as Athena does, and never deletes "
                  + "files"),
          Map.entry(
              "TRUNCATE",
              "it deletes a table's files, and Athena truncates only Iceberg tables"),
          Map.entry(
              "DELETE", "Athena deletes rows only in Iceberg tables, and the lake's are files"),
          Map.entry(
              "UPDATE", "Athena updates rows only in Iceberg tables, and the lake's are files"),
          Map.entry(
              "MERGE", "Athena merges rows only in Iceberg tables, and the lake's are files"),
          Map.entry("CREATE FUNCTION", "Athena runs no user-defined functions created from SQL"),
          Map.entry("reflect/java_method", "they call arbitrary Java inside the query engine"),
          Map.entry(
              "a query on a file path",
              "Athena reads tables only; register a folder of the lake with CREATE EXTERNAL "
                  + "TABLE or `playgrounds crawl`"),
          Map.entry(
              "CREATE TABLE without AS",
              "Athena creates a table over files with CREATE EXTERNAL TABLE ... LOCATION, or "
                  + "from a query with CREATE TABLE AS"),
          Map.entry("CREATE DATABASE", "`playgrounds crawl` creates the lake's databases"),
          Map.entry(
              "CREATE VIEW",
              "playgrounds sql keeps tables only; keep the query in a file and run it with "
                  + "`playgrounds sql - < query.sql`"),
          Map.entry("DROP VIEW", "playgrounds sql creates no views, so it drops none"),
          Map.entry(
              "ALTER TABLE",
              "ALTER TABLE ADD PARTITION is the one change allowed; re-crawl to change a table"),
          Map.entry(
              "MSCK REPAIR TABLE DROP/SYNC PARTITIONS",
              "Athena's MSCK REPAIR TABLE only adds partitions"));

  /** Spark's command classes by the statement kind a client reads in the refusal. */
  private static final Map<String, String> KIND_OF_COMMAND =
      Map.ofEntries(
          Map.entry("InsertIntoHiveDirCommand", "INSERT OVERWRITE DIRECTORY"),
          Map.entry("InsertIntoDataSourceDirCommand", "INSERT OVERWRITE DIRECTORY"),
          Map.entry("LoadDataCommand", "LOAD DATA"),
          Map.entry("AddJarsCommand", "ADD JAR"),
          Map.entry("AddFilesCommand", "ADD JAR"),
          Map.entry("AddArchivesCommand", "ADD JAR"),
          Map.entry("ListJarsCommand", "ADD JAR"),
          Map.entry("ListFilesCommand", "ADD JAR"),
          Map.entry("ListArchivesCommand", "ADD JAR"),
          Map.entry("SetCommand", "SET"),
          Map.entry("ResetCommand", "SET"),
          Map.entry("DropNamespace", "DROP DATABASE"),
          Map.entry("TruncateTableCommand", "TRUNCATE"),
          Map.entry("TruncateTable", "TRUNCATE"),
          Map.entry("TruncatePartition", "TRUNCATE"),
          Map.entry("DeleteFromTable", "DELETE"),
          Map.entry("UpdateTable", "UPDATE"),
          Map.entry("MergeIntoTable", "MERGE"),
          Map.entry("CreateFunctionCommand", "CREATE FUNCTION"),
          Map.entry("CreateFunction", "CREATE FUNCTION"),
          Map.entry("CreateNamespace", "CREATE DATABASE"),
          Map.entry("CreateViewCommand", "CREATE VIEW"),
          Map.entry("CreateView", "CREATE VIEW"));

  private static final Set<String> ALLOWED_COMMANDS =
      Set.of("ExplainCommand", "SetNamespaceCommand", "SetCatalogAndNamespace");

  private static final String ALLOWED =
      "this server runs queries, SHOW, DESCRIBE, EXPLAIN, USE, CREATE TABLE AS, INSERT INTO, "
          + "CREATE EXTERNAL TABLE, MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION and DROP TABLE";

  private final File raw;
  private final File processed;
  private final File results;

  private StatementPolicy(File raw, File processed, File results) {
    this.raw = raw;
    this.processed = processed;
    this.results = results;
  }

  /**
   * A session for HiveThriftServer2.startWithContext over {@code parent}'s catalog. Every client
   * session the server opens is its newSession(), which keeps these extensions and options; the
   * parent session (and any other session of the JVM) is left as it was.
   *
   * <p>Tables may point into {@code raw} or {@code processed}; writes go to {@code processed}
   * (INSERT INTO, CTAS) or {@code results} (CTAS). A null folder allows nothing that needs it.
   */
  public static SparkSession servedSession(
      SparkSession parent, String raw, String processed, String results) {
    SparkSessionExtensions extensions = new SparkSessionExtensions();
    StatementPolicy policy =
        new StatementPolicy(canonical(raw), canonical(processed), canonical(results));
    extensions.injectCheckRule(policy);
    scala.collection.immutable.Map<String, String> options =
        new scala.collection.immutable.Map.Map1<>(RUN_SQL_ON_FILES, "false");
    return new SparkSession(
        parent.sparkContext(), new Some<>(parent.sharedState()), Option.empty(), extensions, options);
  }

  /** Called when a session builds its analyzer, i.e. before its first statement. */
  @Override
  public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
    // A client can set SQL options when it opens its session (HiveServer2's session
    // configuration), before its first statement: set the guarded one back.
    session.sessionState().conf().setConfString(RUN_SQL_ON_FILES, "false");
    return new AbstractFunction1<LogicalPlan, BoxedUnit>() {
      @Override
      public BoxedUnit apply(LogicalPlan plan) {
        check(session, plan);
        return BoxedUnit.UNIT;
      }
    };
  }

  void check(SparkSession session, LogicalPlan root) {
    if (session.sessionState().conf().runSQLonFile()) {
      throw refused("a query on a file path", null);
    }
    if (!(root instanceof InsertIntoHadoopFsRelationCommand || root instanceof InsertIntoHiveTable)) {
      // A CTAS's write is the next statement its thread analyzes; any other one (e.g. the
      // text of EXPLAIN CREATE TABLE AS, which never writes) ends the CTAS's allowance.
      CTAS_FOLDER.remove();
    }
    Deque<LogicalPlan> plans = new ArrayDeque<>();
    plans.push(root);
    while (!plans.isEmpty()) {
      LogicalPlan plan = plans.pop();
      String refusal = refusal(session, plan);
      if (refusal != null) {
        throw refused(refusal);
      }
      Deque<Expression> expressions =
          new ArrayDeque<>(JavaConverters.seqAsJavaList(plan.expressions()));
      while (!expressions.isEmpty()) {
        Expression expression = expressions.pop();
        if (expression instanceof CallMethodViaReflection) {
          throw refused("reflect/java_method", null);
        }
        expressions.addAll(JavaConverters.seqAsJavaList(expression.children()));
      }
      plans.addAll(JavaConverters.seqAsJavaList(plan.children()));
      plans.addAll(JavaConverters.seqAsJavaList(plan.subqueries()));
    }
  }

  /** Why {@code plan} (one node) is refused, as the whole sentence, or null when allowed. */
  String refusal(SparkSession session, LogicalPlan plan) {
    if (plan instanceof ScriptTransformation) {
      return "TRANSFORM ... USING is not allowed: it runs a program on the server";
    }
    if (!(plan instanceof Command)) {
      return null;
    }
    String name = plan.getClass().getSimpleName();
    if (name.startsWith("Show")
        || name.startsWith("Describe")
        || ALLOWED_COMMANDS.contains(name)) {
      return null;
    }
    if (plan instanceof SetCommand) {
      boolean changes = ((SetCommand) plan).kv().exists(pair -> pair._2().isDefined());
      return changes ? sentence("SET", null) : null;
    }
    if (plan instanceof CreateDataSourceTableAsSelectCommand) {
      return createTableAs(((CreateDataSourceTableAsSelectCommand) plan).table());
    }
    if (plan instanceof CreateHiveTableAsSelectCommand) {
      return createTableAs(((CreateHiveTableAsSelectCommand) plan).tableDesc());
    }
    if (plan instanceof InsertIntoHadoopFsRelationCommand) {
      InsertIntoHadoopFsRelationCommand insert = (InsertIntoHadoopFsRelationCommand) plan;
      if (isCtasWrite(new File(insert.outputPath().toUri().getPath()))) {
        return null;
      }
      if (insert.mode() != SaveMode.Append || insert.catalogTable().isEmpty()) {
        return sentence("INSERT OVERWRITE", null);
      }
      return insertInto(session, insert.catalogTable().get());
    }
    if (plan instanceof InsertIntoHiveTable) {
      InsertIntoHiveTable insert = (InsertIntoHiveTable) plan;
      File folder = localFolder(insert.table().storage().locationUri());
      if (folder != null && isCtasWrite(folder)) {
        return null;
      }
      return insert.overwrite()
          ? sentence("INSERT OVERWRITE", null)
          : insertInto(session, insert.table());
    }
    if (plan instanceof CreateTableCommand) {
      return createTable(((CreateTableCommand) plan).table());
    }
    if (plan instanceof CreateDataSourceTableCommand) {
      return createTable(((CreateDataSourceTableCommand) plan).table());
    }
    if (plan instanceof AlterTableAddPartitionCommand) {
      for (Tuple2<scala.collection.immutable.Map<String, String>, Option<String>> partition :
          JavaConverters.seqAsJavaList(
              ((AlterTableAddPartitionCommand) plan).partitionSpecsAndLocs())) {
        if (partition._2().isDefined()) {
          String outside = outsideReadable("ALTER TABLE ADD PARTITION", partition._2().get());
          if (outside != null) {
            return outside;
          }
        }
      }
      return null;
    }
    if (plan instanceof RepairTableCommand) {
      return ((RepairTableCommand) plan).enableDropPartitions()
          ? sentence("MSCK REPAIR TABLE DROP/SYNC PARTITIONS", null)
          : null;
    }
    if (plan instanceof DropTableCommand || plan instanceof DropTable) {
      return dropTable(session, plan);
    }
    if (name.startsWith("AlterTable")) {
      return sentence("ALTER TABLE", null);
    }
    String kind = KIND_OF_COMMAND.get(name);
    if (kind != null) {
      return sentence(kind, null);
    }
    return name.replaceAll("(Command|Exec)$", "") + " is not allowed: " + ALLOWED;
  }

  /** CREATE [EXTERNAL] TABLE without AS: over a folder of the raw or processed zone only. */
  private String createTable(CatalogTable table) {
    Option<URI> location = table.storage().locationUri();
    if (location.isEmpty()) {
      // Without a LOCATION Spark makes a managed table, whose files DROP TABLE would delete.
      return sentence("CREATE TABLE without AS", null);
    }
    return outsideReadable("CREATE EXTERNAL TABLE", location.get().toString());
  }

  /** Athena's CTAS: into a new folder of the processed zone or the results location. */
  private String createTableAs(CatalogTable table) {
    String kind = "CREATE TABLE AS";
    List<File> writable = zones(processed, results);
    Option<URI> location = table.storage().locationUri();
    if (location.isEmpty()) {
      // Spark would write a managed table into its warehouse, outside the lake's zones.
      return sentence(
          kind, "give it a LOCATION, a new folder in " + join(writable, "the processed zone"));
    }
    String text = location.get().toString();
    File folder = localFolder(location);
    if (folder == null || !inAny(folder, writable)) {
      return sentence(
          kind,
          "its location '"
              + text
              + "' is outside the processed zone and the results location ("
              + join(writable, "no lake given")
              + ")");
    }
    if (writable.contains(folder)) {
      return sentence(kind, "its location " + folder + " is a whole zone, not a new table folder");
    }
    if (folder.exists()) {
      return sentence(
          kind,
          "its location "
              + folder
              + " already exists, and Athena's CREATE TABLE AS writes only into a new, empty "
              + "location");
    }
    CTAS_FOLDER.set(folder);
    return null;
  }

  /** INSERT INTO appends to a table of the processed zone (the raw zone is ingest's). */
  private String insertInto(SparkSession session, CatalogTable table) {
    List<String> locations = new ArrayList<>();
    locations.add(table.storage().locationUri().isDefined() ? table.location().toString() : null);
    if (table.partitionColumnNames().nonEmpty()) {
      // A partition may have its own LOCATION (ALTER TABLE ADD PARTITION), e.g. in the raw zone.
      SessionCatalog catalog = session.sessionState().catalog();
      for (CatalogTablePartition partition :
          JavaConverters.seqAsJavaList(catalog.listPartitions(table.identifier(), Option.empty()))) {
        locations.add(partition.storage().locationUri().isDefined() ? partition.location().toString() : null);
      }
    }
    for (String text : locations) {
      File folder = text == null ? null : localFolder(new Some<>(URI.create(text)));
      if (folder == null || processed == null || !inAny(folder, List.of(processed))) {
        String where = processed == null ? "the processed zone" : "the processed zone " + processed;
        return sentence(
            "INSERT INTO",
            table.database()
                + "."
                + table.identifier().table()
                + " is at "
                + (text == null ? "no known location" : text)
                + ", outside "
                + where
                + " (the raw zone is written only by `playgrounds ingest`)");
      }
    }
    return null;
  }

  private String dropTable(SparkSession session, LogicalPlan plan) {
    if (plan instanceof DropTableCommand && ((DropTableCommand) plan).isView()) {
      return sentence("DROP VIEW", null);
    }
    boolean purge =
        plan instanceof DropTableCommand
            ? ((DropTableCommand) plan).purge()
            : ((DropTable) plan).purge();
    if (purge) {
      return sentence("DROP TABLE PURGE", null);
    }
    TableIdentifier table = droppedTable(plan);
    return isManagedTable(session, table)
        ? sentence(
            "DROP TABLE",
            table.unquotedString()
                + " is a managed table, and Spark would delete its files with it (only external"
                + " tables are dropped, as in Athena)")
        : null;
  }

  /** The refusal of a table or partition LOCATION outside the raw and processed zones. */
  private String outsideReadable(String kind, String text) {
    List<File> readable = zones(raw, processed);
    File folder = localFolder(new Some<>(toUri(text)));
    if (folder != null && inAny(folder, readable)) {
      return null;
    }
    return sentence(
        kind,
        "its LOCATION '"
            + text
            + "' is outside the lake's zones ("
            + join(readable, "no lake given")
            + ")");
  }

  private static boolean isCtasWrite(File folder) {
    File expected = CTAS_FOLDER.get();
    CTAS_FOLDER.remove();
    return expected != null && expected.equals(canonical(folder.getPath()));
  }

  /** "KIND is not allowed: why", with REFUSED's words unless {@code detail} is given. */
  private static String sentence(String kind, String detail) {
    return kind + " is not allowed: " + (detail != null ? detail : REFUSED.get(kind));
  }

  private static List<File> zones(File... folders) {
    List<File> known = new ArrayList<>();
    for (File folder : folders) {
      if (folder != null) {
        known.add(folder);
      }
    }
    return known;
  }

  private static String join(List<File> folders, String none) {
    if (folders.isEmpty()) {
      return none;
    }
    List<String> names = new ArrayList<>();
    folders.forEach(folder -> names.add(folder.getPath()));
    return String.join(" or ", names);
  }

  private static boolean inAny(File folder, List<File> zones) {
    return zones.stream().anyMatch(zone -> folder.toPath().startsWith(zone.toPath()));
  }

  private static URI toUri(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException notAUri) { // e.g. a space in a plain path
      return new File(text).toURI();
    }
  }

  /** The canonical local folder of a location (a file: URI or an absolute path), else null. */
  static File localFolder(Option<URI> location) {
    if (location.isEmpty()) {
      return null;
    }
    URI uri = location.get();
    boolean local = uri.getScheme() == null || "file".equals(uri.getScheme());
    boolean anotherHost = uri.getAuthority() != null && !uri.getAuthority().isEmpty();
    if (!local || anotherHost || uri.getPath() == null || !uri.getPath().startsWith("/")) {
      return null;
    }
    return canonical(uri.getPath());
  }

  /** The path with `..`, `.` and symlinks resolved (also below a folder that does not exist). */
  private static File canonical(String path) {
    if (path == null) {
      return null;
    }
    try {
      return new File(path).getCanonicalFile();
    } catch (IOException unreadable) {
      return null;
    }
  }

  /** The table DROP TABLE names (DropTable in Spark 3.5, DropTableCommand with useV1Command). */
  private static TableIdentifier droppedTable(LogicalPlan plan) {
    if (plan instanceof DropTableCommand) {
      return ((DropTableCommand) plan).tableName();
    }
    LogicalPlan child = ((DropTable) plan).child();
    if (!(child instanceof ResolvedIdentifier)) {
      return null;
    }
    Identifier identifier = ((ResolvedIdentifier) child).identifier();
    String[] namespace = identifier.namespace();
    Option<String> database = namespace.length == 1 ? new Some<>(namespace[0]) : Option.empty();
    return new TableIdentifier(identifier.name(), database);
  }

  private static boolean isManagedTable(SparkSession session, TableIdentifier table) {
    SessionCatalog catalog = session.sessionState().catalog();
    if (table == null || !catalog.tableExists(table)) {
      return false;
    }
    try {
      return catalog.getTableMetadata(table).tableType() == CatalogTableType.MANAGED();
    } catch (Exception missing) { // dropped meanwhile: DROP TABLE reports it itself
      return false;
    }
  }

  private static RuntimeException refused(String kind, String detail) {
    return refused(sentence(kind, detail));
  }

  /** AnalysisException is checked in Java but not in Scala, whose rule API throws it. */
  private static RuntimeException refused(String message) {
    return StatementPolicy.<RuntimeException>unchecked(analysisError(message));
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E unchecked(Throwable error) throws E {
    throw (E) error;
  }

  private static AnalysisException analysisError(String message) {
    return new AnalysisException(
        message,
        Option.empty(),
        Option.empty(),
        Option.empty(),
        Option.empty(),
        scala.collection.immutable.Map$.MODULE$.<String, String>empty(),
        new QueryContext[0]);
  }
}
