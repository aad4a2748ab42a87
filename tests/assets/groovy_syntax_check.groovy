// Parse Groovy files to an AST without resolving classes: a syntax check for Jenkins
// pipelines, whose steps and @Library annotations only Jenkins can resolve.
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

def unit = new CompilationUnit()
args.each { unit.addSource(new File(it)) }
unit.compile(Phases.CONVERSION)
println "syntax ok: ${args.join(' ')}"
