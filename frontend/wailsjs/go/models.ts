export namespace app {
	
	export class APIStatus {
	    running: boolean;
	    url: string;
	    port: number;
	    model: string;
	    error: string;
	
	    static createFrom(source: any = {}) {
	        return new APIStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.running = source["running"];
	        this.url = source["url"];
	        this.port = source["port"];
	        this.model = source["model"];
	        this.error = source["error"];
	    }
	}
	export class ContextChange {
	    path: string;
	    change: string;
	
	    static createFrom(source: any = {}) {
	        return new ContextChange(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.change = source["change"];
	    }
	}
	export class ContextFile {
	    path: string;
	    size: number;
	    tokens: number;
	    excluded: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ContextFile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.size = source["size"];
	        this.tokens = source["tokens"];
	        this.excluded = source["excluded"];
	    }
	}
	export class ContextSkip {
	    path: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new ContextSkip(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.reason = source["reason"];
	    }
	}
	export class ContextView {
	    conversationId: number;
	    attached: boolean;
	    kind: string;
	    path: string;
	    name: string;
	    files: ContextFile[];
	    skipped: ContextSkip[];
	    changed: ContextChange[];
	    includedFiles: number;
	    includedTokens: number;
	    allTokens: number;
	    estimated: boolean;
	    contextLen: number;
	    trainedContext: number;
	    notice: string;
	
	    static createFrom(source: any = {}) {
	        return new ContextView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.attached = source["attached"];
	        this.kind = source["kind"];
	        this.path = source["path"];
	        this.name = source["name"];
	        this.files = this.convertValues(source["files"], ContextFile);
	        this.skipped = this.convertValues(source["skipped"], ContextSkip);
	        this.changed = this.convertValues(source["changed"], ContextChange);
	        this.includedFiles = source["includedFiles"];
	        this.includedTokens = source["includedTokens"];
	        this.allTokens = source["allTokens"];
	        this.estimated = source["estimated"];
	        this.contextLen = source["contextLen"];
	        this.trainedContext = source["trainedContext"];
	        this.notice = source["notice"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ConversationSettings {
	    systemPrompt: string;
	    temperature: number;
	    topK: number;
	    topP: number;
	    minP: number;
	    repeatPenalty: number;
	    seed: number;
	    maxTokens: number;
	
	    static createFrom(source: any = {}) {
	        return new ConversationSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.systemPrompt = source["systemPrompt"];
	        this.temperature = source["temperature"];
	        this.topK = source["topK"];
	        this.topP = source["topP"];
	        this.minP = source["minP"];
	        this.repeatPenalty = source["repeatPenalty"];
	        this.seed = source["seed"];
	        this.maxTokens = source["maxTokens"];
	    }
	}
	export class ConversationSummary {
	    id: number;
	    title: string;
	    model: string;
	    pinned: boolean;
	    updatedAt: number;
	    createdAt: number;
	
	    static createFrom(source: any = {}) {
	        return new ConversationSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.model = source["model"];
	        this.pinned = source["pinned"];
	        this.updatedAt = source["updatedAt"];
	        this.createdAt = source["createdAt"];
	    }
	}
	export class MessageStats {
	    promptTokens: number;
	    cachedTokens: number;
	    generatedTokens: number;
	    prefillTokensPerSec: number;
	    tokensPerSec: number;
	    stopped: boolean;
	    cut: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MessageStats(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.promptTokens = source["promptTokens"];
	        this.cachedTokens = source["cachedTokens"];
	        this.generatedTokens = source["generatedTokens"];
	        this.prefillTokensPerSec = source["prefillTokensPerSec"];
	        this.tokensPerSec = source["tokensPerSec"];
	        this.stopped = source["stopped"];
	        this.cut = source["cut"];
	    }
	}
	export class MessageView {
	    id: number;
	    parentId: number;
	    role: string;
	    content: string;
	    createdAt: number;
	    siblingIndex: number;
	    siblingCount: number;
	    siblingIds: number[];
	    stats?: MessageStats;
	
	    static createFrom(source: any = {}) {
	        return new MessageView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.parentId = source["parentId"];
	        this.role = source["role"];
	        this.content = source["content"];
	        this.createdAt = source["createdAt"];
	        this.siblingIndex = source["siblingIndex"];
	        this.siblingCount = source["siblingCount"];
	        this.siblingIds = source["siblingIds"];
	        this.stats = this.convertValues(source["stats"], MessageStats);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ConversationView {
	    conversation: ConversationSummary;
	    systemPrompt: string;
	    settings: ConversationSettings;
	    messages: MessageView[];
	
	    static createFrom(source: any = {}) {
	        return new ConversationView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversation = this.convertValues(source["conversation"], ConversationSummary);
	        this.systemPrompt = source["systemPrompt"];
	        this.settings = this.convertValues(source["settings"], ConversationSettings);
	        this.messages = this.convertValues(source["messages"], MessageView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Download {
	    id: string;
	    url: string;
	    path: string;
	    receivedBytes: number;
	    totalBytes: number;
	    state: string;
	    error: string;
	    sha256: string;
	
	    static createFrom(source: any = {}) {
	        return new Download(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.url = source["url"];
	        this.path = source["path"];
	        this.receivedBytes = source["receivedBytes"];
	        this.totalBytes = source["totalBytes"];
	        this.state = source["state"];
	        this.error = source["error"];
	        this.sha256 = source["sha256"];
	    }
	}
	export class Engine {
	    id: string;
	    url: string;
	    host: string;
	    hasKey: boolean;
	    models: string[];
	    error: string;
	
	    static createFrom(source: any = {}) {
	        return new Engine(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.url = source["url"];
	        this.host = source["host"];
	        this.hasKey = source["hasKey"];
	        this.models = source["models"];
	        this.error = source["error"];
	    }
	}
	export class FeatureOff {
	    feature: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new FeatureOff(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.feature = source["feature"];
	        this.reason = source["reason"];
	    }
	}
	export class MemoryEstimate {
	    contextLen: number;
	    weightBytes: number;
	    kvBytes: number;
	    scratchBytes: number;
	    totalBytes: number;
	    availableBytes: number;
	    fits: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MemoryEstimate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.contextLen = source["contextLen"];
	        this.weightBytes = source["weightBytes"];
	        this.kvBytes = source["kvBytes"];
	        this.scratchBytes = source["scratchBytes"];
	        this.totalBytes = source["totalBytes"];
	        this.availableBytes = source["availableBytes"];
	        this.fits = source["fits"];
	    }
	}
	
	
	export class ModelInfo {
	    id: number;
	    path: string;
	    name: string;
	    architecture: string;
	    params: number;
	    activeParams: number;
	    quantization: string;
	    contextLength: number;
	    sizeBytes: number;
	    sha256: string;
	    hashProgress: number;
	    addedAt: number;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new ModelInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.path = source["path"];
	        this.name = source["name"];
	        this.architecture = source["architecture"];
	        this.params = source["params"];
	        this.activeParams = source["activeParams"];
	        this.quantization = source["quantization"];
	        this.contextLength = source["contextLength"];
	        this.sizeBytes = source["sizeBytes"];
	        this.sha256 = source["sha256"];
	        this.hashProgress = source["hashProgress"];
	        this.addedAt = source["addedAt"];
	        this.error = source["error"];
	    }
	}
	export class Recommended {
	    name: string;
	    url: string;
	    sizeBytes: number;
	    sha256: string;
	    notes: string;
	
	    static createFrom(source: any = {}) {
	        return new Recommended(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.url = source["url"];
	        this.sizeBytes = source["sizeBytes"];
	        this.sha256 = source["sha256"];
	        this.notes = source["notes"];
	    }
	}
	export class SearchHit {
	    conversationId: number;
	    messageId: number;
	    title: string;
	    snippet: string;
	
	    static createFrom(source: any = {}) {
	        return new SearchHit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.messageId = source["messageId"];
	        this.title = source["title"];
	        this.snippet = source["snippet"];
	    }
	}
	export class SendResult {
	    conversationId: number;
	    userMessageId: number;
	    assistantMessageId: number;
	
	    static createFrom(source: any = {}) {
	        return new SendResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.userMessageId = source["userMessageId"];
	        this.assistantMessageId = source["assistantMessageId"];
	    }
	}
	export class Settings {
	    threads: number;
	    contextLength: number;
	    kvType: string;
	    dataDir: string;
	    theme: string;
	    defaults: ConversationSettings;
	    kvCacheBudgetBytes: number;
	    backend: string;
	    contextMaxFileBytes: number;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.threads = source["threads"];
	        this.contextLength = source["contextLength"];
	        this.kvType = source["kvType"];
	        this.dataDir = source["dataDir"];
	        this.theme = source["theme"];
	        this.defaults = this.convertValues(source["defaults"], ConversationSettings);
	        this.kvCacheBudgetBytes = source["kvCacheBudgetBytes"];
	        this.backend = source["backend"];
	        this.contextMaxFileBytes = source["contextMaxFileBytes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Status {
	    version: string;
	    build: string;
	    platform: string;
	    modelLoaded: boolean;
	    loadedModelId: number;
	    modelName: string;
	    dataDir: string;
	    off: FeatureOff[];
	    remoteHost: string;
	    backend: string;
	    backendNotice: string;
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.build = source["build"];
	        this.platform = source["platform"];
	        this.modelLoaded = source["modelLoaded"];
	        this.loadedModelId = source["loadedModelId"];
	        this.modelName = source["modelName"];
	        this.dataDir = source["dataDir"];
	        this.off = this.convertValues(source["off"], FeatureOff);
	        this.remoteHost = source["remoteHost"];
	        this.backend = source["backend"];
	        this.backendNotice = source["backendNotice"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TokenCount {
	    conversation: number;
	    draft: number;
	    total: number;
	    context: number;
	
	    static createFrom(source: any = {}) {
	        return new TokenCount(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversation = source["conversation"];
	        this.draft = source["draft"];
	        this.total = source["total"];
	        this.context = source["context"];
	    }
	}

}

