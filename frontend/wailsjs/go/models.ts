export namespace app {
	
	export class Status {
	    version: string;
	    build: string;
	    platform: string;
	    modelLoaded: boolean;
	    dataDir: string;
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.build = source["build"];
	        this.platform = source["platform"];
	        this.modelLoaded = source["modelLoaded"];
	        this.dataDir = source["dataDir"];
	    }
	}

}

