package playgrounds.catalog.jvm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.apache.spark.QueryContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.DropTable;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.command.DropTableCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import org.apache.spark.sql.hive.execution.InsertIntoHiveTable;
import scala.Function1;
import scala.Option;
import scala.Some;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The statements `playgrounds catalog serve` runs for its clients: Athena's set, checked in the
 * JVM because statements that arrive over Thrift never pass through Python.
 *
 * <p>A check rule (SparkSessionExtensions.injectCheckRule) sees every analyzed plan before it
 * runs. Allowed: queries, SHOW, DESCRIBE, EXPLAIN, USE, SET that only reads, CREATE [EXTERNAL]
 * TABLE [AS SELECT], INSERT INTO (appending), MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION and
 * DROP TABLE of an external table (catalog only, as in Athena). Every other command is refused
 * (INSERT OVERWRITE [DIRECTORY], LOAD DATA, ADD JAR, SET key=value, RESET, DROP DATABASE,
 * TRUNCATE, ALTER TABLE SET ..., CREATE FUNCTION, ...), and so are TRANSFORM ... USING (runs a
 * program) and reflect/java_method (calls Java methods) inside queries.
 */
public final class StatementPolicy
    extends AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>> {

  static final String RUN_SQL_ON_FILES = "spark.sql.runSQLOnFiles";

  /** Set by the check of a CTAS, consumed by the check of the write it runs next. */
  private static final ThreadLocal<Boolean> CTAS_RUNNING = ThreadLocal.withInitial(() -> false);

  private static final Set<String> ALLOWED_COMMANDS =
      Set.of(
          "ExplainCommand",
          "SetNamespaceCommand",
          "SetCatalogAndNamespace",
          "CreateTableCommand",
          "CreateDataSourceTableCommand",
          "CreateHiveTableAsSelectCommand",
          "RepairTableCommand",
          "AlterTableAddPartitionCommand");

  private static final String ALLOWED =
      "only queries, SHOW, DESCRIBE, EXPLAIN, USE, CREATE [EXTERNAL] TABLE [AS SELECT], "
          + "INSERT INTO, MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION and DROP TABLE of an "
          + "external table are allowed";

  /**
   * A session for HiveThriftServer2.startWithContext over {@code parent}'s catalog. Every client
   * session the server opens is its newSession(), which keeps these extensions and options; the
   * parent session (and any other session of the JVM) is left as it was.
   */
  public static SparkSession servedSession(SparkSession parent) {
    SparkSessionExtensions extensions = new SparkSessionExtensions();
    extensions.injectCheckRule(new StatementPolicy());
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

  static void check(SparkSession session, LogicalPlan root) {
    if (session.sessionState().conf().runSQLonFile()) {
      throw refused("file-path queries are off on this server");
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
          throw refused("reflect/java_method are not allowed on this server");
        }
        expressions.addAll(JavaConverters.seqAsJavaList(expression.children()));
      }
      plans.addAll(JavaConverters.seqAsJavaList(plan.children()));
      plans.addAll(JavaConverters.seqAsJavaList(plan.subqueries()));
    }
  }

  /** Why {@code plan} (one node) is refused, or null when it is allowed. */
  static String refusal(SparkSession session, LogicalPlan plan) {
    if (plan instanceof ScriptTransformation) {
      return "TRANSFORM ... USING (a program run on the server) is not allowed on this server";
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
      return changes ? "SET key=value is not allowed on this server; " + ALLOWED : null;
    }
    if (plan instanceof InsertIntoHadoopFsRelationCommand) {
      InsertIntoHadoopFsRelationCommand insert = (InsertIntoHadoopFsRelationCommand) plan;
      // CREATE TABLE ... USING ... AS SELECT writes its new table (into a location Spark checked
      // is empty) with Overwrite and no catalog table yet, on the same thread, right after its
      // own check: allowed once per CTAS. A client's INSERT OVERWRITE names a catalog table.
      boolean ctasWrite = insert.catalogTable().isEmpty() && CTAS_RUNNING.get();
      CTAS_RUNNING.remove();
      boolean allowed = insert.mode() == SaveMode.Append || ctasWrite;
      return allowed ? null : "INSERT OVERWRITE is not allowed on this server; " + ALLOWED;
    }
    if (plan instanceof CreateDataSourceTableAsSelectCommand) {
      CTAS_RUNNING.set(true);
      return null;
    }
    if (plan instanceof InsertIntoHiveTable) {
      boolean overwrites = ((InsertIntoHiveTable) plan).overwrite();
      return overwrites ? "INSERT OVERWRITE is not allowed on this server; " + ALLOWED : null;
    }
    if (plan instanceof DropTableCommand || plan instanceof DropTable) {
      return isManagedTable(session, droppedTable(plan))
          ? "DROP TABLE of a managed table (which deletes its data) is not allowed on this "
              + "server; dropping an external table only removes it from the catalog"
          : null;
    }
    return name.replaceAll("(Command|Exec)$", "") + " is not allowed on this server; " + ALLOWED;
  }

  /** The table DROP TABLE names (DropTable in Spark 3.5, DropTableCommand with useV1Command). */
  private static TableIdentifier droppedTable(LogicalPlan plan) {
    if (plan instanceof DropTableCommand) {
      DropTableCommand drop = (DropTableCommand) plan;
      return drop.isView() ? null : drop.tableName();
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
