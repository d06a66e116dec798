// Validate several data files against one shapes file in one JVM with Apache Jena SHACL.
//   java -cp CLASSPATH ShaclBatch.java SHAPES OUT_DIR DATA...
// writes OUT_DIR/<data file name>.report.ttl for each data file (tests/shacl_cross_check.py).
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;

public class ShaclBatch {
    public static void main(String[] args) throws Exception {
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[0]));
        for (int i = 2; i < args.length; i++) {
            Graph data = RDFDataMgr.loadGraph(args[i]);
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            File out = new File(args[1], new File(args[i]).getName() + ".report.ttl");
            try (OutputStream stream = new FileOutputStream(out)) {
                RDFDataMgr.write(stream, report.getModel(), Lang.TTL);
            }
        }
    }
}
